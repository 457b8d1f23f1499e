ALTER TABLE "polls" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "inbox_member_command_idx" ON "inbox" USING btree ("member_id","command");