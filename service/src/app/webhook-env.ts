import type { Logger } from "pino";
import type { HandledEvent } from "../webhooks/index.js";

/** A delivery whose signature verified, with its headers and its parsed JSON body. */
export interface Delivery {
  id: string;
  event: string;
  payload: unknown;
}

/** A delivery of an event we handle, checked against what its handler reads. */
export interface WebhookEvent {
  name: HandledEvent;
  /** The payload as its schema parsed it. */
  value: unknown;
  installationId: number;
}

/** The per-request values the webhook middlewares set, in the order they run. */
export interface WebhookEnv {
  Variables: {
    delivery: Delivery;
    webhook: WebhookEvent;
    /** The delivery's child logger (deliveryId, event, installationId). */
    log: Logger;
    /** Set when the handler stored the dedupe mark itself (with the job): nothing left to mark. */
    deliveryMarked: boolean;
  };
}
