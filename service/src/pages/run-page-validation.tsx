import type { FC } from "hono/jsx";
import type { RunResult } from "@mlxbench/proto";
import { Badge } from "./layout.js";

/** The run page's validation fixes and readiness, or why there are none. */
export const ValidationSection: FC<{ result: RunResult | null }> = ({ result }) => (
  <section class="card" aria-label="validation">
    <h2>Validation {result?.validation ? <Badge value={result.validation.status} /> : null}</h2>
    {result === null ? (
      <p class="muted">No run result to show.</p>
    ) : result.validation === null ? (
      <p class="muted">Validation was not run.</p>
    ) : (
      <div class="scroll">
        <table id="validation">
          <thead>
            <tr>
              <th>Check</th>
              <th>Status</th>
              <th>Critical</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {result.validation.fixes.map((f) => (
              <tr>
                <td>{f.name}</td>
                <td>
                  <Badge value={f.status} />
                </td>
                <td>{f.critical ? "yes" : "no"}</td>
                <td class="wrap">{f.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
    {result ? (
      <>
        <h3>
          Readiness <Badge value={result.readiness.verdict} />
        </h3>
        {result.readiness.blocking.length > 0 ? (
          <ul>
            {result.readiness.blocking.map((b) => (
              <li>blocking: {b}</li>
            ))}
          </ul>
        ) : null}
        {[...result.readiness.warnings, ...result.warnings].length > 0 ? (
          <ul>
            {[...new Set([...result.readiness.warnings, ...result.warnings])].map((w) => (
              <li>warning: {w}</li>
            ))}
          </ul>
        ) : null}
      </>
    ) : null}
  </section>
);
