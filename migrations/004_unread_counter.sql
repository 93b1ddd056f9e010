-- Unread inbound messages per conversation, kept as a counter instead of counted on every read:
-- the count scanned a conversation's messages each time its state was sent to consoles, which
-- grew with the conversation and dominated the cost of admitting a message.
-- Statement-level triggers keep it exact for every path that inserts or deletes messages
-- (admission, operator sends, retention, erasure) with one UPDATE per statement, not per row.
ALTER TABLE conversations ADD COLUMN unread_in integer NOT NULL DEFAULT 0;

UPDATE conversations c SET unread_in = (
  SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in' AND m.seq > c.read_seq);

CREATE FUNCTION misy_unread_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversations c SET unread_in = c.unread_in + n.k
  FROM (SELECT conversation_id, count(*)::int AS k FROM new_rows WHERE direction = 'in' GROUP BY conversation_id) n
  WHERE c.id = n.conversation_id;
  RETURN NULL;
END $$;

CREATE FUNCTION misy_unread_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversations c SET unread_in = greatest(0, c.unread_in - n.k)
  FROM (SELECT o.conversation_id, count(*)::int AS k FROM old_rows o JOIN conversations c2 ON c2.id = o.conversation_id
        WHERE o.direction = 'in' AND o.seq > c2.read_seq GROUP BY o.conversation_id) n
  WHERE c.id = n.conversation_id;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_unread_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION misy_unread_after_insert();
CREATE TRIGGER messages_unread_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION misy_unread_after_delete();
