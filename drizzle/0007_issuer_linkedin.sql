ALTER TABLE "assertions" ADD COLUMN "recipient_name" text;--> statement-breakpoint
ALTER TABLE "issuers" ADD COLUMN "linkedin_organization_id" text;