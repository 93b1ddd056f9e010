// Who the operator is talking to: name, email, phone, channel (its name, not only its type),
// attributes, and consent per purpose — "not asked" (grey), "granted" (green), "withdrawn" (red) —
// with the history of every decision (purpose, granted or not, source, time).
import { useEffect, useState } from 'preact/hooks';
import { CONSENT_PURPOSES, type ConsentPurpose, type ConsentRecord, type Contact, type Conversation } from '@misy/sdk';
import type { Auth } from './auth';

type ConsentState = 'granted' | 'withdrawn' | 'not asked';
/** "Not asked" and "withdrawn" are both "not granted", but only the second is the contact's answer. */
function consentState(purpose: ConsentPurpose, current: Record<string, boolean>, history: ConsentRecord[]): ConsentState {
  if (current[purpose]) return 'granted';
  return history.some((r) => r.purpose === purpose) ? 'withdrawn' : 'not asked';
}

export function ContactPanel({ auth, conversation, onClose }: { auth: Auth; conversation: Conversation; onClose?: () => void }) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [channelName, setChannelName] = useState<string | null>(null);
  const [consents, setConsents] = useState<{ current: Record<string, boolean>; data: ConsentRecord[] }>({ current: {}, data: [] });
  useEffect(() => {
    auth.api.contacts.get(conversation.contactId).then(setContact).catch(() => setContact(null));
    auth.api.contacts.consents(conversation.contactId).then(setConsents).catch(() => {});
  }, [conversation.contactId, conversation.updatedAt]);
  useEffect(() => {
    auth.api.channels.get(conversation.channelId).then((ch) => setChannelName(typeof ch.name === 'string' ? ch.name : null)).catch(() => setChannelName(null));
  }, [conversation.channelId]);
  const attrs = Object.entries(contact?.attributes ?? {});
  return (
    <aside class="contact" aria-label="Contact">
      {/* Only visible where the panel overlays the conversation (narrow screens, tablets). */}
      {onClose && <button type="button" class="close-contact" aria-label="Close contact details" onClick={onClose}>×</button>}
      <h3>{contact?.name ?? conversation.contactName ?? 'Visitor'}</h3>
      <span class="chan">{channelName ? `${channelName} · ${conversation.channelType}` : conversation.channelType}</span>
      <dl>
        <dt>Email</dt><dd>{contact?.email ?? '—'}</dd>
        <dt>Phone</dt><dd>{contact?.phone ?? '—'}</dd>
        {attrs.map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>])}
      </dl>
      <h4 style="margin:16px 0 6px;font-size:13px">Consent</h4>
      {CONSENT_PURPOSES.map((p) => {
        const state = consentState(p, consents.current, consents.data);
        return <div class="consent" key={p}><span>{p}</span><span class={`cs ${state.replace(' ', '-')}`}>{state}</span></div>;
      })}
      {/* The full append-only record, newest first: what was decided, where, and when. */}
      {consents.data.length > 0 && (
        <details class="consent-history">
          <summary>History ({consents.data.length})</summary>
          <ol>
            {[...consents.data].reverse().map((r, i) => (
              <li key={i}>
                <span class={`cs ${r.granted ? 'granted' : 'withdrawn'}`}>{r.purpose} {r.granted ? 'granted' : 'withdrawn'}</span>
                {' '}via {r.source} · <time dateTime={r.createdAt}>{new Date(r.createdAt).toLocaleString()}</time>
              </li>
            ))}
          </ol>
        </details>
      )}
    </aside>
  );
}
