CREATE TABLE "intent_offers" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"platform" text NOT NULL,
	"chat_id" text NOT NULL,
	"message_id" text NOT NULL,
	"source" text NOT NULL,
	"intent" text NOT NULL,
	"command" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"outcome" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "intent_offers" ADD CONSTRAINT "intent_offers_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intent_offers" ADD CONSTRAINT "intent_offers_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "intent_offers_member_idx" ON "intent_offers" USING btree ("compound_id","member_id","created_at");--> statement-breakpoint
CREATE INDEX "intent_offers_expires_idx" ON "intent_offers" USING btree ("expires_at");--> statement-breakpoint
-- An offer is answered once (accepted, declined, expired or superseded) and otherwise never changes or goes:
-- what the bot offered to whom, and what came of it, stays on record like the other audit tables.
CREATE OR REPLACE FUNCTION linli_offer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'table intent_offers is append-only: DELETE refused' USING ERRCODE = '42501';
  END IF;
  IF OLD.outcome IS NOT NULL THEN
    RAISE EXCEPTION 'offer % is already %', OLD.id, OLD.outcome USING ERRCODE = '42501';
  END IF;
  IF NEW.outcome IS NULL OR NEW.answered_at IS NULL
     OR NEW.id <> OLD.id OR NEW.compound_id <> OLD.compound_id OR NEW.member_id <> OLD.member_id
     OR NEW.platform <> OLD.platform OR NEW.chat_id <> OLD.chat_id OR NEW.message_id <> OLD.message_id
     OR NEW.source <> OLD.source OR NEW.intent <> OLD.intent OR NEW.command <> OLD.command
     OR NEW.created_at <> OLD.created_at OR NEW.expires_at <> OLD.expires_at THEN
    RAISE EXCEPTION 'offer %: only its answer may be recorded', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER intent_offers_guard BEFORE UPDATE OR DELETE ON intent_offers FOR EACH ROW EXECUTE FUNCTION linli_offer_guard();
--> statement-breakpoint
CREATE TRIGGER intent_offers_no_truncate BEFORE TRUNCATE ON intent_offers FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
