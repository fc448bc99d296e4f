/** Every BullMQ queue of the system (each shows in Bull Board). */
export const QUEUE_NAMES = {
  scim: 'scim',
  reconcile: 'reconcile',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
