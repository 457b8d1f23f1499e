CREATE INDEX "disclosures_period_idx" ON "disclosures" USING btree ("period","period_kind");--> statement-breakpoint
CREATE INDEX "ticket_events_compound_at_idx" ON "ticket_events" USING btree ("compound_id","at");--> statement-breakpoint
CREATE INDEX "tickets_compound_created_idx" ON "tickets" USING btree ("compound_id","created_at");