-- Roles for a shared parley journal on PostgreSQL, each with the rights it needs and
-- nothing more. Run as the database's owner (psql -f docs/postgres-roles.sql), after the
-- owner's first writing command (`parley open` or `parley import`) created the tables.

-- A record-keeper reads the journal, appends events and moves a negotiation's head. It
-- may not change or remove an event (no UPDATE or DELETE on parley_events; a trigger
-- refuses them even to the owner), nor create or alter tables.
CREATE ROLE parley_keeper NOLOGIN;
GRANT SELECT ON parley_schema TO parley_keeper;
GRANT SELECT, INSERT ON parley_events TO parley_keeper;
GRANT SELECT, INSERT, UPDATE ON parley_heads TO parley_keeper;
GRANT SELECT, INSERT, UPDATE, DELETE ON parley_checkpoints, parley_memos TO parley_keeper;

-- A reviewer reads, and keeps the checkpoints and audit memos that speed its views up
-- (without these it still reads; its views are only slower).
CREATE ROLE parley_reviewer NOLOGIN;
GRANT SELECT ON parley_schema, parley_heads, parley_events TO parley_reviewer;
GRANT SELECT, INSERT, UPDATE, DELETE ON parley_checkpoints, parley_memos TO parley_reviewer;

-- One login per person, in the role of their work (add PASSWORD '…' where the server
-- asks for one):
CREATE ROLE trade LOGIN IN ROLE parley_keeper;     -- the trade ministry's record-keeper
CREATE ROLE defence LOGIN IN ROLE parley_keeper;   -- the defence ministry's
CREATE ROLE tower LOGIN IN ROLE parley_reviewer;   -- the coordination office
