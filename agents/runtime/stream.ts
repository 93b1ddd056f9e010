// Streams a reply to the widget and console as `message:delta` events before the complete
// message is stored. Deltas are a preview: the stored message (with meta.draftId) is the truth.
import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../hub/context';

export interface DraftStream {
  draftId: string; push(delta: string): void; readonly text: string;
  /** Tells clients to drop the partial draft: the run failed, will be retried, or a person took over. */
  abandon(): void;
}

export function openDraft(ctx: HubContext, target: { tenantId: string; contactId: string; conversationId: string }): DraftStream {
  const draftId = randomUUID();
  let index = 0;
  let text = '';
  return {
    draftId,
    push(delta: string) {
      if (!delta) return;
      text += delta;
      ctx.bus.publish({ type: 'message:delta', ...target, draftId, delta, index: index++ });
    },
    get text() { return text; },
    abandon() {
      if (!text) return;
      ctx.bus.publish({ type: 'message:delta', ...target, draftId, delta: '', index: index++, done: true, abandoned: true });
      text = '';
    },
  };
}

/** The local provider writes its answer at once; it is streamed word by word so both modes look alike. */
export async function streamText(draft: DraftStream, text: string, pauseMs = 15): Promise<void> {
  const pieces = text.match(/\S+\s*/g) ?? [];
  for (let i = 0; i < pieces.length; i += 3) {
    draft.push(pieces.slice(i, i + 3).join(''));
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}
