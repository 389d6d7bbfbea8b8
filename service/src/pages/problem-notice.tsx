import type { FC } from "hono/jsx";
import { Notice } from "./layout.js";

/** An archived document that could not be read; the page goes on without it. */
export const Problem: FC<{ doc: string; problem: string }> = (p) => (
  <Notice error>
    <strong>{p.doc}</strong> could not be read: {p.problem}. The rest of the page is shown without
    it.
  </Notice>
);
