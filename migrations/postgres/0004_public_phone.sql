-- A BLKK may choose to show its phone (and WhatsApp) on its public profile.
ALTER TABLE centres ADD COLUMN phone_public BOOLEAN NOT NULL DEFAULT FALSE;
