CREATE TABLE "assertions" (
	"id" text PRIMARY KEY NOT NULL,
	"badge_class_id" text NOT NULL,
	"issuer_id" text NOT NULL,
	"recipient_type" text DEFAULT 'email' NOT NULL,
	"recipient_hashed" boolean DEFAULT true NOT NULL,
	"recipient_identity" text NOT NULL,
	"recipient_salt" text,
	"issued_on" timestamp with time zone NOT NULL,
	"expires" timestamp with time zone,
	"evidence" jsonb,
	"narrative" text,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "badge_classes" (
	"id" text PRIMARY KEY NOT NULL,
	"issuer_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"criteria_url" text,
	"criteria_narrative" text,
	"image_bytes" "bytea",
	"image_type" text,
	"image_url" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "badge_classes_id_issuer_unique" UNIQUE("id","issuer_id")
);
--> statement-breakpoint
CREATE TABLE "issuers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"email" text NOT NULL,
	"description" text,
	"image_url" text,
	"verification_starts_with" text[],
	"verification_allowed_origins" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assertions" ADD CONSTRAINT "assertions_badge_class_fk" FOREIGN KEY ("badge_class_id","issuer_id") REFERENCES "public"."badge_classes"("id","issuer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "badge_classes" ADD CONSTRAINT "badge_classes_issuer_id_issuers_id_fk" FOREIGN KEY ("issuer_id") REFERENCES "public"."issuers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assertions_revoked_by_issuer_idx" ON "assertions" USING btree ("issuer_id","id") WHERE "assertions"."revoked_at" IS NOT NULL;