-- Row-level security lets an index serve a condition only when its operator is LEAKPROOF; pg_trgm's `%` is not marked
-- so, which leaves the conflict check's name search without its index for the runtime role. similarity_op reads
-- nothing but its two arguments and raises no data-dependent error, so it is leakproof in fact. Marking it needs a
-- superuser: where the migrating user is not one, the search stays correct, only slower.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        ALTER FUNCTION similarity_op(text, text) LEAKPROOF;
    ELSE
        RAISE NOTICE 'not a superuser: similarity_op stays non-leakproof and name searches under RLS scan';
    END IF;
END
$$;
