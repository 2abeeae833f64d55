"""Rule governance: validating, publishing, versioning, comparing, replaying and activating
rule sets (pure Python here; HTTP and database code live in app/rulesets/)."""
