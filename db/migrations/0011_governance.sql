CREATE TABLE "captain_buildings" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"building" text NOT NULL,
	"granted_by" integer,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "election_candidates" (
	"compound_id" integer NOT NULL,
	"poll_id" integer NOT NULL,
	"name" text NOT NULL,
	"member_id" integer,
	"source" text NOT NULL,
	"idx" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "election_candidates_poll_id_name_pk" PRIMARY KEY("poll_id","name")
);
--> statement-breakpoint
CREATE TABLE "nominations" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"poll_id" integer NOT NULL,
	"candidate_name" text NOT NULL,
	"household_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_acks" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"notice_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"household_id" integer,
	"recorded_by" integer,
	"acked_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"no" integer NOT NULL,
	"text" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"remind_at" timestamp with time zone,
	"reminded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "objection_answers" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"objection_id" integer NOT NULL,
	"member_id" integer NOT NULL,
	"answer" text NOT NULL,
	"upheld" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objections" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"poll_id" integer NOT NULL,
	"no" integer NOT NULL,
	"member_id" integer NOT NULL,
	"household_id" integer,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "result_windows" (
	"poll_id" integer PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"final_at" timestamp with time zone,
	"final_result" jsonb
);
--> statement-breakpoint
CREATE TABLE "supervisors" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"compound_id" integer NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "file" "bytea";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "file_name" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "recorded_by" integer;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "evidence_platform" text;--> statement-breakpoint
ALTER TABLE "ballots" ADD COLUMN "evidence_ref" text;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "kind" text DEFAULT 'poll' NOT NULL;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "seats" integer;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "nomination_support" integer;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "nomination_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "captain_buildings" ADD CONSTRAINT "captain_buildings_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captain_buildings" ADD CONSTRAINT "captain_buildings_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "captain_buildings" ADD CONSTRAINT "captain_buildings_granted_by_members_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_candidates" ADD CONSTRAINT "election_candidates_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_candidates" ADD CONSTRAINT "election_candidates_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "election_candidates" ADD CONSTRAINT "election_candidates_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acks" ADD CONSTRAINT "notice_acks_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_created_by_members_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_answers" ADD CONSTRAINT "objection_answers_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_answers" ADD CONSTRAINT "objection_answers_objection_id_objections_id_fk" FOREIGN KEY ("objection_id") REFERENCES "public"."objections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection_answers" ADD CONSTRAINT "objection_answers_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objections" ADD CONSTRAINT "objections_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_windows" ADD CONSTRAINT "result_windows_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_windows" ADD CONSTRAINT "result_windows_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisors" ADD CONSTRAINT "supervisors_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "captain_buildings_uq" ON "captain_buildings" USING btree ("compound_id","member_id","building");--> statement-breakpoint
CREATE UNIQUE INDEX "nominations_once_uq" ON "nominations" USING btree ("poll_id","candidate_name","household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_acks_member_uq" ON "notice_acks" USING btree ("notice_id","member_id") WHERE recorded_by IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "notice_acks_recorded_uq" ON "notice_acks" USING btree ("notice_id","household_id") WHERE recorded_by IS NOT NULL;--> statement-breakpoint
CREATE INDEX "notice_acks_household_idx" ON "notice_acks" USING btree ("notice_id","household_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notices_compound_no_uq" ON "notices" USING btree ("compound_id","no");--> statement-breakpoint
CREATE INDEX "notices_remind_idx" ON "notices" USING btree ("remind_at");--> statement-breakpoint
CREATE INDEX "objection_answers_objection_idx" ON "objection_answers" USING btree ("objection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "objections_poll_no_uq" ON "objections" USING btree ("poll_id","no");--> statement-breakpoint
CREATE INDEX "result_windows_until_idx" ON "result_windows" USING btree ("until");--> statement-breakpoint
CREATE UNIQUE INDEX "supervisors_uq" ON "supervisors" USING btree ("platform","platform_user_id","compound_id");--> statement-breakpoint
ALTER TABLE "ballots" ADD CONSTRAINT "ballots_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Governance history is append-only like the ballots: nominations, objections, their answers, acknowledgements.
CREATE TRIGGER nominations_append_only BEFORE UPDATE OR DELETE ON nominations FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER nominations_no_truncate BEFORE TRUNCATE ON nominations FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER objections_append_only BEFORE UPDATE OR DELETE ON objections FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER objections_no_truncate BEFORE TRUNCATE ON objections FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER objection_answers_append_only BEFORE UPDATE OR DELETE ON objection_answers FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER objection_answers_no_truncate BEFORE TRUNCATE ON objection_answers FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER notice_acks_append_only BEFORE UPDATE OR DELETE ON notice_acks FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER notice_acks_no_truncate BEFORE TRUNCATE ON notice_acks FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
-- A result window's final announcement is written once and never changed; the window itself never moves.
CREATE OR REPLACE FUNCTION linli_result_window_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'table result_windows is append-only: DELETE refused' USING ERRCODE = '42501';
  END IF;
  IF OLD.final_at IS NOT NULL OR NEW.poll_id <> OLD.poll_id OR NEW.compound_id <> OLD.compound_id
     OR NEW.opened_at <> OLD.opened_at OR NEW.until <> OLD.until THEN
    RAISE EXCEPTION 'result window of poll %: only the final announcement may be written, once', OLD.poll_id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER result_windows_guard BEFORE UPDATE OR DELETE ON result_windows FOR EACH ROW EXECUTE FUNCTION linli_result_window_guard();
--> statement-breakpoint
-- Polls: as in 0007, plus elections. While an election is nominating, its candidates (options), deadline and
-- status may change (nomination closes, voting opens); kind, seats and the nomination terms never change.
CREATE OR REPLACE FUNCTION linli_poll_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'table polls is append-only: DELETE refused' USING ERRCODE = '42501';
  END IF;
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'poll % is closed: its result cannot change', OLD.id USING ERRCODE = '42501';
  END IF;
  IF NEW.id <> OLD.id OR NEW.compound_id <> OLD.compound_id OR NEW.no <> OLD.no OR NEW.title <> OLD.title
     OR NEW.multiple <> OLD.multiple OR NEW.rule <> OLD.rule
     OR NEW.electorate <> OLD.electorate OR NEW.secret <> OLD.secret
     OR NEW.created_at <> OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by
     OR NEW.kind <> OLD.kind OR NEW.seats IS DISTINCT FROM OLD.seats
     OR NEW.nomination_support IS DISTINCT FROM OLD.nomination_support
     OR NEW.nomination_until IS DISTINCT FROM OLD.nomination_until THEN
    RAISE EXCEPTION 'poll %: only closing is allowed', OLD.id USING ERRCODE = '42501';
  END IF;
  IF OLD.status <> 'nominating' AND (NEW.options <> OLD.options OR NEW.deadline <> OLD.deadline) THEN
    RAISE EXCEPTION 'poll %: only closing is allowed', OLD.id USING ERRCODE = '42501';
  END IF;
  IF OLD.status = 'open' AND NEW.status = 'nominating' THEN
    RAISE EXCEPTION 'poll %: voting has opened', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
