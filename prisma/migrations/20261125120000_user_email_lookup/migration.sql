-- Sign-in looks accounts up by lower("email") (emails compare case-insensitively): index it so
-- a login is an index probe, not a scan of every user. Prisma's schema language cannot express
-- expression indexes, hence this hand-written migration.
CREATE INDEX "User_email_lower_idx" ON "User" (lower("email"));
