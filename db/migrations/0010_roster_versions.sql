CREATE TABLE "roster_versions" (
	"compound_id" integer PRIMARY KEY NOT NULL,
	"version" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "job_runs_started_idx" ON "job_runs" USING btree ("started_at");
--> statement-breakpoint
-- The roster's version: a new random value for every compound whose households a statement inserted, updated or
-- deleted (TRUNCATE: every compound), whoever wrote them — a command, `linli roster import` in another process,
-- a hand-written fix. The bot keeps each compound's owner names for the group privacy scrub under this version
-- (src/outbox/write.ts) and reads it with every message's context (db/context.ts).
CREATE OR REPLACE FUNCTION linli_roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE roster_versions SET version = gen_random_uuid()::text;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO roster_versions (compound_id, version)
      SELECT d.compound_id, gen_random_uuid()::text FROM (SELECT DISTINCT compound_id FROM linli_new_rows) d
      ON CONFLICT (compound_id) DO UPDATE SET version = excluded.version;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO roster_versions (compound_id, version)
      SELECT d.compound_id, gen_random_uuid()::text
      FROM (SELECT compound_id FROM linli_new_rows UNION SELECT compound_id FROM linli_old_rows) d
      ON CONFLICT (compound_id) DO UPDATE SET version = excluded.version;
  ELSE
    INSERT INTO roster_versions (compound_id, version)
      SELECT d.compound_id, gen_random_uuid()::text FROM (SELECT DISTINCT compound_id FROM linli_old_rows) d
      ON CONFLICT (compound_id) DO UPDATE SET version = excluded.version;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- and every new compound starts with one, so that "no version" only means households loaded with the triggers
-- off (a bulk load), which the bot then reads every time
CREATE OR REPLACE FUNCTION linli_compound_roster() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO roster_versions (compound_id, version)
    SELECT id, gen_random_uuid()::text FROM linli_new_rows
    ON CONFLICT (compound_id) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER compounds_roster_version AFTER INSERT ON compounds REFERENCING NEW TABLE AS linli_new_rows FOR EACH STATEMENT EXECUTE FUNCTION linli_compound_roster();
--> statement-breakpoint
CREATE TRIGGER households_roster_insert AFTER INSERT ON households REFERENCING NEW TABLE AS linli_new_rows FOR EACH STATEMENT EXECUTE FUNCTION linli_roster_changed();
--> statement-breakpoint
CREATE TRIGGER households_roster_update AFTER UPDATE ON households REFERENCING OLD TABLE AS linli_old_rows NEW TABLE AS linli_new_rows FOR EACH STATEMENT EXECUTE FUNCTION linli_roster_changed();
--> statement-breakpoint
CREATE TRIGGER households_roster_delete AFTER DELETE ON households REFERENCING OLD TABLE AS linli_old_rows FOR EACH STATEMENT EXECUTE FUNCTION linli_roster_changed();
--> statement-breakpoint
CREATE TRIGGER households_roster_truncate AFTER TRUNCATE ON households FOR EACH STATEMENT EXECUTE FUNCTION linli_roster_changed();
--> statement-breakpoint
INSERT INTO roster_versions (compound_id, version) SELECT id, gen_random_uuid()::text FROM compounds;
