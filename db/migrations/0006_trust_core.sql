CREATE TABLE "confirmations" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer,
	"member_id" integer NOT NULL,
	"kind" text NOT NULL,
	"ref" text,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cost_claims" (
	"id" serial PRIMARY KEY NOT NULL,
	"compound_id" integer NOT NULL,
	"ticket_id" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"payee" text,
	"note" text,
	"claimed_by" integer NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"ledger_serial" integer
);
--> statement-breakpoint
CREATE TABLE "poll_electorate" (
	"compound_id" integer NOT NULL,
	"poll_id" integer NOT NULL,
	"voter_key" text NOT NULL,
	"household_id" integer,
	"code" text,
	"area_centi_m2" bigint DEFAULT 0 NOT NULL,
	"owner_keys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "poll_electorate_poll_id_voter_key_pk" PRIMARY KEY("poll_id","voter_key")
);
--> statement-breakpoint
ALTER TABLE "disclosures" ADD COLUMN "chain_serial" integer;--> statement-breakpoint
ALTER TABLE "disclosures" ADD COLUMN "chain_head" text;--> statement-breakpoint
ALTER TABLE "fee_schedules" ADD COLUMN "due_day" integer;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "username" text;--> statement-breakpoint
ALTER TABLE "confirmations" ADD CONSTRAINT "confirmations_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confirmations" ADD CONSTRAINT "confirmations_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_claims" ADD CONSTRAINT "cost_claims_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_claims" ADD CONSTRAINT "cost_claims_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_claims" ADD CONSTRAINT "cost_claims_claimed_by_members_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_claims" ADD CONSTRAINT "cost_claims_decided_by_members_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_electorate" ADD CONSTRAINT "poll_electorate_compound_id_compounds_id_fk" FOREIGN KEY ("compound_id") REFERENCES "public"."compounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_electorate" ADD CONSTRAINT "poll_electorate_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "confirmations_member_idx" ON "confirmations" USING btree ("member_id","kind");--> statement-breakpoint
CREATE INDEX "cost_claims_ticket_idx" ON "cost_claims" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "cost_claims_compound_status_idx" ON "cost_claims" USING btree ("compound_id","status");--> statement-breakpoint
CREATE INDEX "members_platform_username_idx" ON "members" USING btree ("platform","username");