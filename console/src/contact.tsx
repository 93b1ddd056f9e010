// Who the operator is talking to: name, email, phone, channel, attributes and consent per purpose.
import { useEffect, useState } from 'preact/hooks';
import { CONSENT_PURPOSES, type Contact, type Conversation } from '@misy/sdk';
import type { Auth } from './auth';

export function ContactPanel({ auth, conversation }: { auth: Auth; conversation: Conversation }) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [consents, setConsents] = useState<Record<string, boolean>>({});
  useEffect(() => {
    auth.api.contacts.get(conversation.contactId).then(setContact).catch(() => setContact(null));
    auth.api.contacts.consents(conversation.contactId).then((r) => setConsents(r.current)).catch(() => {});
  }, [conversation.contactId, conversation.updatedAt]);
  const attrs = Object.entries(contact?.attributes ?? {});
  return (
    <aside class="contact" aria-label="Contact">
      <h3>{contact?.name ?? conversation.contactName ?? 'Visitor'}</h3>
      <span class="chan">{conversation.channelType}</span>
      <dl>
        <dt>Email</dt><dd>{contact?.email ?? '—'}</dd>
        <dt>Phone</dt><dd>{contact?.phone ?? '—'}</dd>
        {attrs.map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>])}
      </dl>
      <h4 style="margin:16px 0 6px;font-size:13px">Consent</h4>
      {CONSENT_PURPOSES.map((p) => (
        <div class="consent" key={p}><span>{p}</span><span class={consents[p] ? 'yes' : 'no'}>{consents[p] ? 'granted' : 'not granted'}</span></div>
      ))}
    </aside>
  );
}
