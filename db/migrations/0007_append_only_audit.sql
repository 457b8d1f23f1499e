-- Every audit table is append-only, TRUNCATE included (docs/LEDGER.md "What the database refuses"):
-- ballots, ticket events, ledger receipts, disclosures (the published chain heads), frozen electorates,
-- closed polls' results and decided cost claims. History is corrected by new rows, never edited.
CREATE TRIGGER ballots_no_truncate BEFORE TRUNCATE ON ballots FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_receipts_append_only BEFORE UPDATE OR DELETE ON ledger_receipts FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_receipts_no_truncate BEFORE TRUNCATE ON ledger_receipts FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE ON disclosures FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER poll_electorate_append_only BEFORE UPDATE OR DELETE ON poll_electorate FOR EACH ROW EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
CREATE TRIGGER poll_electorate_no_truncate BEFORE TRUNCATE ON poll_electorate FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
-- A poll is never deleted; an open poll may only be closed (status, closed_at, result, result_announced_at);
-- a closed poll, its result included, never changes.
CREATE OR REPLACE FUNCTION linli_poll_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'table polls is append-only: DELETE refused' USING ERRCODE = '42501';
  END IF;
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'poll % is closed: its result cannot change', OLD.id USING ERRCODE = '42501';
  END IF;
  IF NEW.id <> OLD.id OR NEW.compound_id <> OLD.compound_id OR NEW.no <> OLD.no OR NEW.title <> OLD.title
     OR NEW.options <> OLD.options OR NEW.multiple <> OLD.multiple OR NEW.rule <> OLD.rule
     OR NEW.electorate <> OLD.electorate OR NEW.secret <> OLD.secret OR NEW.deadline <> OLD.deadline
     OR NEW.created_at <> OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
    RAISE EXCEPTION 'poll %: only closing is allowed', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER polls_guard BEFORE UPDATE OR DELETE ON polls FOR EACH ROW EXECUTE FUNCTION linli_poll_guard();
--> statement-breakpoint
CREATE TRIGGER polls_no_truncate BEFORE TRUNCATE ON polls FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
--> statement-breakpoint
-- A cost claim is decided once: pending → approved | rejected | withdrawn; what was claimed never changes.
CREATE OR REPLACE FUNCTION linli_claim_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'table cost_claims is append-only: DELETE refused' USING ERRCODE = '42501';
  END IF;
  IF OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'cost claim % is already %', OLD.id, OLD.status USING ERRCODE = '42501';
  END IF;
  IF NEW.id <> OLD.id OR NEW.compound_id <> OLD.compound_id OR NEW.ticket_id <> OLD.ticket_id
     OR NEW.amount_fen <> OLD.amount_fen OR NEW.claimed_by <> OLD.claimed_by OR NEW.claimed_at <> OLD.claimed_at
     OR NEW.payee IS DISTINCT FROM OLD.payee OR NEW.note IS DISTINCT FROM OLD.note THEN
    RAISE EXCEPTION 'cost claim %: only its decision may be recorded', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cost_claims_guard BEFORE UPDATE OR DELETE ON cost_claims FOR EACH ROW EXECUTE FUNCTION linli_claim_guard();
--> statement-breakpoint
CREATE TRIGGER cost_claims_no_truncate BEFORE TRUNCATE ON cost_claims FOR EACH STATEMENT EXECUTE FUNCTION linli_refuse_change();
