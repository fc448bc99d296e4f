import type { Redis } from 'ioredis';
import type { ScimReply } from './job-payloads';
import { encodeReplies } from './scim-reply';

interface Buffered {
  reply: ScimReply;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes the worker's replies, one message per channel for all replies that are
 * ready in the same turn of the event loop: the creates of a batch commit in one
 * statement and are answered with one PUBLISH instead of one each. A reply is never
 * held longer than that turn.
 */
export class ReplyPublisher {
  private buffered = new Map<string, Buffered[]>();
  private scheduled = false;

  constructor(private readonly redis: Pick<Redis, 'publish'>) {}

  /** Resolves once the message holding this reply was published. */
  publish(channel: string, reply: ScimReply): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const list = this.buffered.get(channel);
      if (list) list.push({ reply, resolve, reject });
      else this.buffered.set(channel, [{ reply, resolve, reject }]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.buffered;
    this.buffered = new Map();
    for (const [channel, list] of all) {
      this.redis.publish(channel, encodeReplies(list.map((b) => b.reply))).then(
        () => list.forEach((b) => b.resolve()),
        (error: unknown) => list.forEach((b) => b.reject(error)),
      );
    }
  }
}
