-- Sign-in attempts are recorded before the password is checked, so that attempts made at once cannot all pass the
-- limit; each record names its attempt, so that one refused or not checked can take its records back.
ALTER TABLE login_failures ADD COLUMN attempt uuid;
