--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: app_audited(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_audited(r jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN jsonb_typeof(r -> 'conflicts') = 'array'
                THEN (r - ARRAY['password_hash', 'token_hash', 'tenant_id', 'conflicts'])
                     || jsonb_build_object('conflicts', jsonb_array_length(r -> 'conflicts'))
                ELSE r - ARRAY['password_hash', 'token_hash', 'tenant_id'] END
$$;


--
-- Name: app_bump_session_version(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_bump_session_version() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.session_version = OLD.session_version
       AND (NEW.role, NEW.partner_id, NEW.active) IS DISTINCT FROM (OLD.role, OLD.partner_id, OLD.active) THEN
        NEW.session_version := OLD.session_version + 1;
    END IF;
    RETURN NEW;
END
$$;


--
-- Name: app_capability_default_document(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_capability_default_document() RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $_$ SELECT $doc${"categories": [{"code": "sales", "name": "Sales capability", "topics": [{"code": "sales_team", "name": "Sales team and coverage", "recommendation": "Hire or assign a dedicated seller for our solutions", "questions": [{"text": "How is your sales team for our solutions organised?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How many of your sellers have closed a deal with our solutions this year?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Describe your sales team: headcount, territories and who owns our solutions.", "kind": "text", "choices": []}]}, {"code": "pipeline", "name": "Pipeline management", "recommendation": "Review the pipeline with your CAM every month", "questions": [{"text": "How do you manage the pipeline for our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review the pipeline with your CAM?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which pipeline practices do you use?", "kind": "multi", "choices": [{"label": "Deals registered before the first meeting", "points": 1}, {"label": "Stages with exit criteria", "points": 1}, {"label": "Forecast by close date", "points": 1}, {"label": "Win/loss reviews", "points": 1}]}]}, {"code": "sales_process", "name": "Sales process and methodology", "recommendation": "Adopt a qualification method for every opportunity", "questions": [{"text": "Do you follow a sales methodology for our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do sellers use our sales plays?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "What does your sales process include?", "kind": "multi", "choices": [{"label": "Qualification checklist", "points": 1}, {"label": "Discovery template", "points": 1}, {"label": "Demo or proof of concept", "points": 1}, {"label": "Mutual close plan", "points": 1}]}]}, {"code": "sales_enablement", "name": "Sales enablement and certification", "recommendation": "Certify two more sellers this quarter", "questions": [{"text": "How do you train sellers on our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your sellers hold our sales certification?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Which enablement do your sellers use?", "kind": "multi", "choices": [{"label": "Vendor sales training", "points": 1}, {"label": "Battle cards", "points": 1}, {"label": "Objection handling guides", "points": 1}, {"label": "Ride-alongs with the vendor team", "points": 1}]}]}]}, {"code": "marketing", "name": "Marketing and demand generation", "topics": [{"code": "marketing_plan", "name": "Marketing plan", "recommendation": "Write a quarterly joint marketing plan", "questions": [{"text": "Do you have a marketing plan that includes our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you run campaigns featuring our solutions?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Describe your marketing plan for our solutions this year.", "kind": "text", "choices": []}]}, {"code": "demand_generation", "name": "Demand generation", "recommendation": "Run one MDF-funded campaign with a lead waterfall forecast", "questions": [{"text": "How do you generate leads for our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your new pipeline comes from your own marketing?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Which demand generation channels do you use?", "kind": "multi", "choices": [{"label": "Email campaigns", "points": 1}, {"label": "Events and webinars", "points": 1}, {"label": "Paid digital advertising", "points": 1}, {"label": "Content and SEO", "points": 1}]}]}, {"code": "lead_management", "name": "Lead follow-up and tracking", "recommendation": "Follow up every vendor lead within two business days", "questions": [{"text": "How do you follow up leads from us and from campaigns?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you report lead outcomes back to us?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "What do you track for leads?", "kind": "multi", "choices": [{"label": "Time to first contact", "points": 1}, {"label": "Lead source", "points": 1}, {"label": "Conversion to opportunity", "points": 1}, {"label": "Campaign ROI", "points": 1}]}]}]}, {"code": "technical", "name": "Technical and services capability", "topics": [{"code": "presales", "name": "Pre-sales engineering", "recommendation": "Train a pre-sales engineer on our demo environment", "questions": [{"text": "How capable is your pre-sales team on our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your opportunities get a technical demo?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "What pre-sales assets do you have?", "kind": "multi", "choices": [{"label": "Own demo environment", "points": 1}, {"label": "Reference architectures", "points": 1}, {"label": "Proof-of-concept playbook", "points": 1}, {"label": "Technical certification", "points": 1}]}]}, {"code": "implementation", "name": "Implementation services", "recommendation": "Build a standard implementation package", "questions": [{"text": "How do you deliver implementations of our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your deals include your implementation services?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Describe your implementation methodology and typical project length.", "kind": "text", "choices": []}]}, {"code": "support", "name": "Support and maintenance", "recommendation": "Offer a support contract with response-time commitments", "questions": [{"text": "How do you support customers after go-live?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review support cases with us?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which support capabilities do you have?", "kind": "multi", "choices": [{"label": "Help desk with ticketing", "points": 1}, {"label": "Response-time commitments", "points": 1}, {"label": "Escalation path to the vendor", "points": 1}, {"label": "Out-of-hours cover", "points": 1}]}]}, {"code": "services_practice", "name": "Services practice and offerings", "recommendation": "Package a managed service around our solutions", "questions": [{"text": "Do you sell your own services around our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your revenue with us is services?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Which services do you offer?", "kind": "multi", "choices": [{"label": "Assessments and audits", "points": 1}, {"label": "Integration", "points": 1}, {"label": "Managed services", "points": 1}, {"label": "Training for customers", "points": 1}]}]}]}, {"code": "customer_success", "name": "Customer success", "topics": [{"code": "onboarding_customers", "name": "Customer onboarding", "recommendation": "Run a 30-60-90 onboarding plan for each new customer", "questions": [{"text": "How do you onboard new customers?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How many new customers complete onboarding on plan?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "What does your customer onboarding include?", "kind": "multi", "choices": [{"label": "Kick-off meeting", "points": 1}, {"label": "Success plan with goals", "points": 1}, {"label": "Admin training", "points": 1}, {"label": "Adoption check at 90 days", "points": 1}]}]}, {"code": "retention", "name": "Retention and renewals", "recommendation": "Track renewals 120 days ahead", "questions": [{"text": "How do you manage renewals?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review accounts due for renewal?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Describe how you keep customers and handle churn risk.", "kind": "text", "choices": []}]}, {"code": "expansion", "name": "Expansion and cross-sell", "recommendation": "Run an account review with each top-ten customer", "questions": [{"text": "How do you grow existing accounts?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you hold business reviews with customers?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which expansion practices do you use?", "kind": "multi", "choices": [{"label": "Account plans", "points": 1}, {"label": "Usage reviews", "points": 1}, {"label": "Cross-sell campaigns", "points": 1}, {"label": "Customer references", "points": 1}]}]}]}, {"code": "operations", "name": "Business operations and management", "topics": [{"code": "business_planning", "name": "Business planning", "recommendation": "Agree a joint business plan with targets", "questions": [{"text": "Do you plan your business with our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often does management review results against plan?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "What does your plan cover?", "kind": "multi", "choices": [{"label": "Revenue targets", "points": 1}, {"label": "Investment in people", "points": 1}, {"label": "Marketing budget", "points": 1}, {"label": "Profit forecast", "points": 1}]}]}, {"code": "financial_health", "name": "Financial health", "recommendation": "Share credit and financial information with us", "questions": [{"text": "How do you manage the finances of the practice?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review the profitability of our line?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Describe your financial position and any constraints on growth.", "kind": "text", "choices": []}]}, {"code": "systems", "name": "Systems and reporting", "recommendation": "Connect your CRM to the partner portal", "questions": [{"text": "How do your systems support the partnership?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you update deal status in our portal?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which systems do you use?", "kind": "multi", "choices": [{"label": "CRM", "points": 1}, {"label": "Quoting tool", "points": 1}, {"label": "Professional services automation", "points": 1}, {"label": "Reporting dashboards", "points": 1}]}]}]}, {"code": "alignment", "name": "Vendor relationship and alignment", "topics": [{"code": "executive_sponsorship", "name": "Executive sponsorship", "recommendation": "Name an executive sponsor and meet quarterly", "questions": [{"text": "How involved is your leadership in our partnership?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do your executives meet ours?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Who sponsors the partnership, and what do they expect from it?", "kind": "text", "choices": []}]}, {"code": "program_engagement", "name": "Program engagement", "recommendation": "Use the portal's deal registration and MDF every quarter", "questions": [{"text": "How actively do you use our partner program?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you take part in our program events?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which program benefits do you use?", "kind": "multi", "choices": [{"label": "Deal registration", "points": 1}, {"label": "MDF", "points": 1}, {"label": "Partner portal training", "points": 1}, {"label": "Co-selling with our sales team", "points": 1}]}]}, {"code": "strategic_fit", "name": "Strategic fit and focus", "recommendation": "Agree a joint value proposition", "questions": [{"text": "How central are our solutions to your strategy?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your revenue comes from our solutions?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Where do our solutions fit?", "kind": "multi", "choices": [{"label": "Target industries match", "points": 1}, {"label": "Target company sizes match", "points": 1}, {"label": "Complementary products", "points": 1}, {"label": "No competing lines", "points": 1}]}]}]}]}$doc$::jsonb $_$;


--
-- Name: app_capability_install(uuid, jsonb, uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_capability_install(p_tenant uuid, p_doc jsonb, p_by uuid) RETURNS uuid
    LANGUAGE plpgsql
    AS $$
DECLARE
    q uuid := gen_random_uuid();
    c record;
    t record;
    cat uuid;
    top uuid;
BEGIN
    INSERT INTO capability_questionnaires (tenant_id, id, version, document, created_by)
    SELECT p_tenant, q, coalesce(max(version), 0) + 1, p_doc, p_by
      FROM capability_questionnaires WHERE tenant_id = p_tenant;
    FOR c IN SELECT value, ordinality - 1 AS pos FROM jsonb_array_elements(p_doc -> 'categories') WITH ORDINALITY
    LOOP
        cat := gen_random_uuid();
        INSERT INTO capability_categories (tenant_id, id, questionnaire_id, position, code, name)
        VALUES (p_tenant, cat, q, c.pos, c.value ->> 'code', c.value ->> 'name');
        FOR t IN SELECT value, ordinality - 1 AS pos FROM jsonb_array_elements(c.value -> 'topics') WITH ORDINALITY
        LOOP
            top := gen_random_uuid();
            INSERT INTO capability_topics (tenant_id, id, category_id, questionnaire_id, position, code, name,
                                           recommendation)
            VALUES (p_tenant, top, cat, q, t.pos, t.value ->> 'code', t.value ->> 'name',
                    t.value ->> 'recommendation');
            INSERT INTO capability_questions (tenant_id, id, topic_id, position, text, kind, choices)
            SELECT p_tenant, gen_random_uuid(), top, x.ordinality - 1, x.value ->> 'text', x.value ->> 'kind',
                   coalesce(x.value -> 'choices', '[]')
              FROM jsonb_array_elements(t.value -> 'questions') WITH ORDINALITY AS x;
        END LOOP;
    END LOOP;
    RETURN q;
END
$$;


--
-- Name: app_check_session(uuid, uuid, integer, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_check_session(p_user uuid, p_session uuid, p_version integer, p_agreement boolean) RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_tenant uuid;
    v_partner uuid;
    v_expires timestamptz;
    v_current integer;
BEGIN
    SELECT u.tenant_id, u.partner_id, s.expires_at INTO v_tenant, v_partner, v_expires
      FROM users u
      JOIN sessions s ON s.tenant_id = u.tenant_id AND s.user_id = u.id
     WHERE u.id = p_user AND s.id = p_session AND u.active AND u.session_version = p_version
       AND s.revoked_at IS NULL AND s.expires_at > now();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'session is no longer valid' USING ERRCODE = 'invalid_authorization_specification';
    END IF;
    IF p_agreement AND v_partner IS NOT NULL THEN
        SELECT max(version) INTO v_current FROM agreements WHERE tenant_id = v_tenant;
        IF v_current IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM agreement_acceptances a
             WHERE a.tenant_id = v_tenant AND a.partner_id = v_partner AND a.version = v_current) THEN
            RAISE EXCEPTION 'the partner agreement (version %) is not accepted', v_current USING ERRCODE = 'TRAGR';
        END IF;
    END IF;
    RETURN v_expires;
END
$$;


--
-- Name: app_count_deal(uuid, uuid, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_count_deal(p_tenant uuid, p_partner uuid, p_status text, p_delta integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF p_delta < 0 THEN
        UPDATE deal_counts SET n = n + p_delta
         WHERE tenant_id = p_tenant AND partner_id = p_partner AND status = p_status;
    ELSE
        INSERT INTO deal_counts AS c (tenant_id, partner_id, status, cam_id, n)
        SELECT p.tenant_id, p.id, p_status, p.cam_id, p_delta FROM partners p
         WHERE p.tenant_id = p_tenant AND p.id = p_partner
        ON CONFLICT (tenant_id, partner_id, status) DO UPDATE SET n = c.n + p_delta;
    END IF;
END
$$;


--
-- Name: app_count_name_words(uuid, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_count_name_words(p_tenant uuid, p_key text, p_delta integer) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO customer_name_words AS c (tenant_id, word, names)
    SELECT p_tenant, w, greatest(p_delta, 0)
      FROM (SELECT DISTINCT w FROM unnest(string_to_array(p_key, ' ') || ''::text) AS w) words
     ORDER BY w
    ON CONFLICT (tenant_id, word) DO UPDATE SET names = c.names + p_delta
$$;


--
-- Name: app_current_tenant(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;


--
-- Name: app_current_user(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_current_user() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;


--
-- Name: app_deal_cam(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_deal_cam() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    SELECT p.cam_id, p.name INTO NEW.cam_id, NEW.partner_name
      FROM partners p WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.partner_id;
    RETURN NEW;
END
$$;


--
-- Name: app_deal_counts(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_deal_counts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_count_deal(OLD.tenant_id, OLD.partner_id, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_count_deal(NEW.tenant_id, NEW.partner_id, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: app_name_words(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_name_words() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM app_count_name_words(OLD.tenant_id, OLD.normalized_name, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM app_count_name_words(NEW.tenant_id, NEW.normalized_name, 1);
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: app_onboarding_event(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_onboarding_event() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.partner_id IS NOT NULL THEN
        PERFORM app_refresh_onboarding(NEW.partner_id);
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: app_open_session(uuid, uuid, uuid, integer, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_open_session(p_tenant uuid, p_user uuid, p_session uuid, p_version integer, p_agreement boolean) RETURNS timestamp with time zone
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true), set_config('app.user_id', p_user::text, true);
    RETURN app_check_session(p_user, p_session, p_version, p_agreement);
END
$$;


--
-- Name: app_partner_cam_changed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_partner_cam_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE deals SET cam_id = NEW.cam_id, partner_name = NEW.name
     WHERE tenant_id = NEW.tenant_id AND partner_id = NEW.id;
    IF OLD.cam_id IS DISTINCT FROM NEW.cam_id THEN
        UPDATE deal_counts SET cam_id = NEW.cam_id WHERE tenant_id = NEW.tenant_id AND partner_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: app_refresh_onboarding(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_refresh_onboarding(p_partner uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE onboarding_items i
       SET completed_at = now(), note = 'Completed automatically.'
     WHERE i.partner_id = p_partner AND i.completed_at IS NULL AND i.auto IS NOT NULL
       AND CASE i.auto
           WHEN 'agreement_accepted' THEN EXISTS (
               SELECT 1 FROM agreement_acceptances a
                WHERE a.tenant_id = i.tenant_id AND a.partner_id = p_partner
                  AND a.version = (SELECT max(g.version) FROM agreements g WHERE g.tenant_id = i.tenant_id))
           WHEN 'users_invited' THEN
               (SELECT count(*) FROM users u WHERE u.tenant_id = i.tenant_id AND u.partner_id = p_partner) >= 2
           WHEN 'first_deal_registered' THEN
               EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = i.tenant_id AND d.partner_id = p_partner)
           ELSE false
       END;
END
$$;


--
-- Name: app_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;


--
-- Name: app_seed_capability(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_capability(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM capability_questionnaires WHERE tenant_id = p_tenant) THEN
        PERFORM app_capability_install(p_tenant, app_capability_default_document(), NULL);
    END IF;
END
$$;


--
-- Name: app_seed_capability_trigger(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_capability_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM app_seed_capability(NEW.id);
    RETURN NULL;
END
$$;


--
-- Name: app_seed_certification_types(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_certification_types(p_tenant uuid) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO certification_types (tenant_id, id, code, name, validity_months)
    SELECT p_tenant, gen_random_uuid(), code, name, months
      FROM (VALUES
        ('sales_professional', 'Sales Professional', 24),
        ('sales_engineer', 'Sales Engineer', 24),
        ('implementation_specialist', 'Implementation Specialist', 24),
        ('support_specialist', 'Support Specialist', 12)
      ) AS d (code, name, months)
    ON CONFLICT DO NOTHING
$$;


--
-- Name: app_seed_certification_types_trigger(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_certification_types_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM app_seed_certification_types(NEW.id);
    RETURN NULL;
END
$$;


--
-- Name: app_seed_mdf_activity_types(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_mdf_activity_types(p_tenant uuid) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO mdf_activity_types (tenant_id, code, label, position, response_rate, mql_rate, sql_rate, win_rate,
                                    average_deal)
    SELECT p_tenant, code, label, position, r, m, s, w, d
      FROM (VALUES
        ('event', 'Event or trade show', 1, 8.00, 40.00, 30.00, 20.00, 25000.00),
        ('webinar', 'Webinar', 2, 5.00, 45.00, 25.00, 20.00, 20000.00),
        ('email', 'Email campaign', 3, 2.00, 30.00, 20.00, 15.00, 15000.00),
        ('digital_ads', 'Digital advertising', 4, 1.00, 25.00, 20.00, 15.00, 15000.00),
        ('telemarketing', 'Telemarketing', 5, 10.00, 30.00, 25.00, 20.00, 20000.00),
        ('content', 'Content and collateral', 6, 3.00, 35.00, 20.00, 15.00, 18000.00),
        ('training', 'Sales training', 7, 50.00, 20.00, 20.00, 25.00, 20000.00)
      ) AS d (code, label, position, r, m, s, w, d)
    ON CONFLICT DO NOTHING
$$;


--
-- Name: app_seed_mdf_activity_types_trigger(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_mdf_activity_types_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM app_seed_mdf_activity_types(NEW.id);
    RETURN NULL;
END
$$;


--
-- Name: app_seed_tenant(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_tenant(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO ideal_profiles (tenant_id) VALUES (p_tenant) ON CONFLICT DO NOTHING;
    IF NOT EXISTS (SELECT 1 FROM agreements WHERE tenant_id = p_tenant) THEN
        INSERT INTO agreements (tenant_id, version, body) VALUES (p_tenant, 1,
'Partner Program Agreement

1. Appointment. The vendor appoints the partner as a non-exclusive member of its partner program. Nothing in this agreement makes either party the agent of the other.

2. Deal registration. The partner registers the opportunities it brings. An approved registration protects the opportunity for the protection period of the program''s deal-registration policy; the vendor decides conflicts by that policy.

3. Conduct. The partner represents the vendor''s products honestly, complies with applicable law (including anti-bribery and export rules), and keeps customer information confidential.

4. Marketing. The partner uses the vendor''s names and marks only as the brand guidelines allow. Marketing development funds are granted and paid by the program''s rules.

5. Tiers and benefits. Tier, discounts and benefits follow the program guide in force, which the vendor may update with notice in the portal.

6. Data. Each party processes personal data it receives from the other only for the purposes of the program and protects it with appropriate measures.

7. Term. This agreement runs for one year and renews itself unless either party ends it with 30 days'' written notice.

By accepting, you confirm that you may bind your organisation to this agreement.');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM onboarding_template_items WHERE tenant_id = p_tenant) THEN
        INSERT INTO onboarding_template_items (tenant_id, position, title, description, link, phase, owner, due_days, required, auto)
        VALUES
          (p_tenant, 1, 'Partner agreement accepted', 'Your partner admin reads and accepts the partner program agreement.', '/agreement', 30, 'partner', 7, true, 'agreement_accepted'),
          (p_tenant, 2, 'Conflict rules acknowledged', 'Read how deal registrations are protected and how clashes are decided.', '/deals/new', 30, 'partner', 14, true, NULL),
          (p_tenant, 3, 'Credit application approved', 'The vendor''s finance team approves the partner''s credit application.', '', 30, 'cam', 21, true, NULL),
          (p_tenant, 4, 'Portal users invited', 'Invite your sales and technical people to the portal.', '/users', 30, 'partner', 30, true, 'users_invited'),
          (p_tenant, 5, 'Sales training completed', 'Your sellers complete the product sales training.', '', 60, 'partner', 45, true, NULL),
          (p_tenant, 6, 'First certification', 'At least one of your people earns a product certification.', '', 60, 'partner', 60, true, NULL),
          (p_tenant, 7, 'Marketing plan drafted', 'Draft the first joint marketing plan with your channel account manager.', '', 90, 'partner', 75, true, NULL),
          (p_tenant, 8, 'First deal registered', 'Register your first opportunity.', '/deals/new', 90, 'partner', 90, true, 'first_deal_registered');
    END IF;
END
$$;


--
-- Name: app_seed_tenant_trigger(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_tenant_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM app_seed_tenant(NEW.id);
    RETURN NULL;
END
$$;


--
-- Name: app_seed_tiers(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_tiers(p_tenant uuid) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO tier_policies (tenant_id) VALUES (p_tenant) ON CONFLICT DO NOTHING;
    INSERT INTO tiers (tenant_id, code, rank, name, badge_colour, discount_percent, mdf_accrual_percent,
                       protection_days, optional_needed)
    SELECT p_tenant, code, rank, name, colour, discount, mdf, protection, needed
      FROM (VALUES
        ('registered', 0, 'Registered', '#2f5f9e', 5.00, 0.00, 60, 0),
        ('silver', 1, 'Silver', '#5b6472', 10.00, 1.00, 90, 1),
        ('gold', 2, 'Gold', '#8a6100', 15.00, 2.00, 120, 1),
        ('platinum', 3, 'Platinum', '#6b3fa0', 20.00, 3.00, 180, 1)
      ) AS d (code, rank, name, colour, discount, mdf, protection, needed)
    ON CONFLICT (tenant_id, code) DO NOTHING;
    INSERT INTO tier_requirements (tenant_id, tier_code, position, metric, parameter, threshold, window_days, mandatory)
    SELECT p_tenant, tier, position, metric, parameter, threshold, window_days, mandatory
      FROM (VALUES
        ('silver', 0, 'closed_won_revenue', 'USD', 50000.00, 365, true),
        ('silver', 1, 'won_deals', '', 2, 365, true),
        ('silver', 2, 'approved_registrations', '', 3, 365, false),
        ('silver', 3, 'onboarding_complete', '', 1, 365, false),
        ('gold', 0, 'closed_won_revenue', 'USD', 250000.00, 365, true),
        ('gold', 1, 'won_deals', '', 5, 365, true),
        ('gold', 2, 'approved_registrations', '', 8, 365, false),
        ('gold', 3, 'certified_people', 'sales engineer', 2, 365, false),
        ('gold', 4, 'capability_score', '', 70, 365, false),
        ('platinum', 0, 'closed_won_revenue', 'USD', 1000000.00, 365, true),
        ('platinum', 1, 'won_deals', '', 12, 365, true),
        ('platinum', 2, 'approved_registrations', '', 20, 365, false),
        ('platinum', 3, 'certified_people', 'sales engineer', 5, 365, false),
        ('platinum', 4, 'agreed_business_plan', '', 1, 365, false)
      ) AS d (tier, position, metric, parameter, threshold, window_days, mandatory)
    ON CONFLICT (tenant_id, tier_code, position) DO NOTHING
$$;


--
-- Name: app_seed_tiers_trigger(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_tiers_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM app_seed_tiers(NEW.id);
    RETURN NULL;
END
$$;


--
-- Name: app_seed_vocabularies(uuid); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_vocabularies(p_tenant uuid) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO vocabulary_entries (tenant_id, kind, code, label, position)
    SELECT p_tenant, kind, code, label, position
      FROM (VALUES
        ('vertical', 'financial_services', 'Financial services', 1),
        ('vertical', 'healthcare', 'Healthcare', 2),
        ('vertical', 'manufacturing', 'Manufacturing', 3),
        ('vertical', 'retail', 'Retail & e-commerce', 4),
        ('vertical', 'public_sector', 'Public sector', 5),
        ('vertical', 'education', 'Education', 6),
        ('vertical', 'technology', 'Technology & software', 7),
        ('vertical', 'telecom', 'Telecommunications', 8),
        ('vertical', 'energy', 'Energy & utilities', 9),
        ('vertical', 'media', 'Media & entertainment', 10),
        ('service', 'resale', 'Resale', 1),
        ('service', 'implementation', 'Implementation', 2),
        ('service', 'managed_services', 'Managed services', 3),
        ('service', 'consulting', 'Consulting', 4),
        ('service', 'integration', 'Systems integration', 5),
        ('service', 'training', 'Training', 6),
        ('service', 'support', 'Support', 7),
        ('service', 'development', 'Custom development', 8)
      ) AS d (kind, code, label, position)
    ON CONFLICT DO NOTHING
$$;


--
-- Name: app_seed_vocabularies_trigger(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_seed_vocabularies_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM app_seed_vocabularies(NEW.id);
    RETURN NULL;
END
$$;


--
-- Name: app_set_tenant_time_zone(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.app_set_tenant_time_zone(zone text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$ UPDATE tenants SET time_zone = zone WHERE id = app_current_tenant() $$;


--
-- Name: audit_row_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_row_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    old_full jsonb;
    new_full jsonb;
    old_j jsonb;
    new_j jsonb;
    b jsonb;
    a jsonb;
    row_tenant uuid;
    row_id uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_full := to_jsonb(OLD);
        old_j := app_audited(old_full);
        row_tenant := OLD.tenant_id;
        row_id := (old_full ->> 'id')::uuid;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_full := to_jsonb(NEW);
        new_j := app_audited(new_full);
        row_tenant := NEW.tenant_id;
        row_id := (new_full ->> 'id')::uuid;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(n.key, o.value), jsonb_object_agg(n.key, n.value)
          INTO b, a
          FROM jsonb_each(new_j) n JOIN jsonb_each(old_j) o USING (key)
         WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
        IF a IS NULL THEN
            -- Nothing audited changed (findings alone are the rule's output, not a change to audit).
            IF (old_full - 'conflicts') = (new_full - 'conflicts') THEN
                RETURN NULL;
            END IF;
            -- Only a secret column changed (a password): record that it did, never its value.
            a := '{"secret_changed": true}'::jsonb;
        END IF;
    ELSE
        b := old_j;
        a := new_j;
    END IF;
    INSERT INTO audit_log (tenant_id, actor_id, action, entity_type, entity_id, before, after)
    VALUES (row_tenant, app_current_user(), TG_TABLE_NAME || '.' || lower(TG_OP), TG_TABLE_NAME, row_id, b, a);
    RETURN NULL;
END
$$;


--
-- Name: audit_tenant_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_tenant_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
        INSERT INTO audit_log (tenant_id, actor_id, action, entity_type, entity_id, before, after)
        VALUES (NEW.id, app_current_user(), 'tenants.update', 'tenants', NEW.id,
                jsonb_build_object('time_zone', OLD.time_zone), jsonb_build_object('time_zone', NEW.time_zone));
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: mdf_ledger_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.mdf_ledger_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'the MDF ledger is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;


--
-- Name: tier_history_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tier_history_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'the tier history is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;


SET default_table_access_method = heap;

--
-- Name: _sqlx_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public._sqlx_migrations (
    version bigint NOT NULL,
    description text NOT NULL,
    installed_on timestamp with time zone DEFAULT now() NOT NULL,
    success boolean NOT NULL,
    checksum bytea NOT NULL,
    execution_time bigint NOT NULL
);


--
-- Name: agreement_acceptances; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agreement_acceptances (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    partner_id uuid NOT NULL,
    version integer NOT NULL,
    user_id uuid NOT NULL,
    accepted_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.agreement_acceptances FORCE ROW LEVEL SECURITY;


--
-- Name: agreements; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agreements (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    version integer NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by uuid,
    CONSTRAINT agreements_body_check CHECK (((length(body) >= 1) AND (length(body) <= 100000))),
    CONSTRAINT agreements_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.agreements FORCE ROW LEVEL SECURITY;


--
-- Name: application_notes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.application_notes (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    application_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT application_notes_body_check CHECK (((length(body) >= 1) AND (length(body) <= 5000)))
);

ALTER TABLE ONLY public.application_notes FORCE ROW LEVEL SECURITY;


--
-- Name: applications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.applications (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    company_name text NOT NULL,
    website text NOT NULL,
    country text NOT NULL,
    region text NOT NULL,
    contact_name text NOT NULL,
    contact_email text NOT NULL,
    employees integer NOT NULL,
    verticals text[] NOT NULL,
    services text[] NOT NULL,
    message text DEFAULT ''::text NOT NULL,
    fit_score integer NOT NULL,
    fit jsonb NOT NULL,
    status text DEFAULT 'submitted'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_activity_at timestamp with time zone DEFAULT now() NOT NULL,
    decided_at timestamp with time zone,
    decided_by uuid,
    reason text,
    partner_id uuid,
    CONSTRAINT applications_company_name_check CHECK (((length(company_name) >= 1) AND (length(company_name) <= 200))),
    CONSTRAINT applications_contact_email_check CHECK ((contact_email = lower(contact_email))),
    CONSTRAINT applications_contact_name_check CHECK (((length(contact_name) >= 1) AND (length(contact_name) <= 200))),
    CONSTRAINT applications_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT applications_decision CHECK (((status = 'submitted'::text) = (decided_at IS NULL))),
    CONSTRAINT applications_employees_check CHECK (((employees >= 1) AND (employees <= 10000000))),
    CONSTRAINT applications_fit_score_check CHECK (((fit_score >= 0) AND (fit_score <= 100))),
    CONSTRAINT applications_message_check CHECK ((length(message) <= 5000)),
    CONSTRAINT applications_status_check CHECK ((status = ANY (ARRAY['submitted'::text, 'approved'::text, 'rejected'::text]))),
    CONSTRAINT applications_website_check CHECK (((length(website) >= 1) AND (length(website) <= 253)))
);

ALTER TABLE ONLY public.applications FORCE ROW LEVEL SECURITY;


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor_id uuid,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid,
    before jsonb,
    after jsonb
);
ALTER TABLE ONLY public.audit_log ALTER COLUMN before SET COMPRESSION lz4;
ALTER TABLE ONLY public.audit_log ALTER COLUMN after SET COMPRESSION lz4;

ALTER TABLE ONLY public.audit_log FORCE ROW LEVEL SECURITY;


--
-- Name: business_plan_comments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.business_plan_comments (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    author_id uuid NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT business_plan_comments_body_check CHECK (((length(btrim(body)) >= 1) AND (length(btrim(body)) <= 2000)))
);

ALTER TABLE ONLY public.business_plan_comments FORCE ROW LEVEL SECURITY;


--
-- Name: business_plan_objectives; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.business_plan_objectives (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    "position" integer NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    certification text,
    weight integer NOT NULL,
    targets numeric(14,2)[] NOT NULL,
    manual_actuals numeric(14,2)[] DEFAULT '{0,0,0,0}'::numeric[] NOT NULL,
    CONSTRAINT business_plan_objectives_check CHECK (((kind = 'certified_people'::text) = (certification IS NOT NULL))),
    CONSTRAINT business_plan_objectives_kind_check CHECK ((kind = ANY (ARRAY['closed_won_revenue'::text, 'registered_pipeline'::text, 'won_deals'::text, 'certified_people'::text, 'mdf_sourced_pipeline'::text, 'custom'::text]))),
    CONSTRAINT business_plan_objectives_manual_actuals_check CHECK ((cardinality(manual_actuals) = 4)),
    CONSTRAINT business_plan_objectives_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT business_plan_objectives_position_check CHECK ((("position" >= 0) AND ("position" <= 11))),
    CONSTRAINT business_plan_objectives_targets_check CHECK (((cardinality(targets) = 4) AND ((0)::numeric <= ALL (targets)))),
    CONSTRAINT business_plan_objectives_weight_check CHECK (((weight >= 1) AND (weight <= 100)))
);

ALTER TABLE ONLY public.business_plan_objectives FORCE ROW LEVEL SECURITY;


--
-- Name: business_plan_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.business_plan_versions (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    version integer NOT NULL,
    snapshot jsonb NOT NULL,
    agreed_by uuid NOT NULL,
    agreed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT business_plan_versions_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.business_plan_versions FORCE ROW LEVEL SECURITY;


--
-- Name: business_plans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.business_plans (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    fiscal_year integer NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    state text DEFAULT 'draft'::text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    currency text NOT NULL,
    growth_percent numeric(6,2) DEFAULT 10 NOT NULL,
    value_proposition text DEFAULT ''::text NOT NULL,
    go_to_market text DEFAULT ''::text NOT NULL,
    vendor_commitments text DEFAULT ''::text NOT NULL,
    partner_commitments text DEFAULT ''::text NOT NULL,
    margin_percent numeric(5,2) DEFAULT 0 NOT NULL,
    rebates numeric(14,2) DEFAULT 0 NOT NULL,
    mdf numeric(14,2) DEFAULT 0 NOT NULL,
    costs numeric(14,2) DEFAULT 0 NOT NULL,
    created_by uuid NOT NULL,
    shared_at timestamp with time zone,
    agreed_at timestamp with time zone,
    agreed_by uuid,
    closed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT business_plans_check CHECK ((ends_on > starts_on)),
    CONSTRAINT business_plans_check1 CHECK (((state <> 'agreed'::text) OR (agreed_at IS NOT NULL))),
    CONSTRAINT business_plans_costs_check CHECK ((costs >= (0)::numeric)),
    CONSTRAINT business_plans_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT business_plans_fiscal_year_check CHECK (((fiscal_year >= 2000) AND (fiscal_year <= 2100))),
    CONSTRAINT business_plans_go_to_market_check CHECK ((length(go_to_market) <= 4000)),
    CONSTRAINT business_plans_growth_percent_check CHECK (((growth_percent >= ('-100'::integer)::numeric) AND (growth_percent <= (1000)::numeric))),
    CONSTRAINT business_plans_margin_percent_check CHECK (((margin_percent >= (0)::numeric) AND (margin_percent <= (100)::numeric))),
    CONSTRAINT business_plans_mdf_check CHECK ((mdf >= (0)::numeric)),
    CONSTRAINT business_plans_partner_commitments_check CHECK ((length(partner_commitments) <= 4000)),
    CONSTRAINT business_plans_rebates_check CHECK ((rebates >= (0)::numeric)),
    CONSTRAINT business_plans_state_check CHECK ((state = ANY (ARRAY['draft'::text, 'shared'::text, 'agreed'::text, 'closed'::text]))),
    CONSTRAINT business_plans_value_proposition_check CHECK ((length(value_proposition) <= 4000)),
    CONSTRAINT business_plans_vendor_commitments_check CHECK ((length(vendor_commitments) <= 4000)),
    CONSTRAINT business_plans_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.business_plans FORCE ROW LEVEL SECURITY;


--
-- Name: capability_assessments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_assessments (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    questionnaire_id uuid NOT NULL,
    period_start date NOT NULL,
    state text DEFAULT 'draft'::text NOT NULL,
    answers jsonb DEFAULT '{}'::jsonb NOT NULL,
    overall_score numeric(5,2),
    category_scores jsonb DEFAULT '{}'::jsonb NOT NULL,
    topic_scores jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_by uuid NOT NULL,
    submitted_by uuid,
    submitted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT capability_assessments_answers_check CHECK ((jsonb_typeof(answers) = 'object'::text)),
    CONSTRAINT capability_assessments_check CHECK (((state = 'submitted'::text) = ((submitted_at IS NOT NULL) AND (overall_score IS NOT NULL)))),
    CONSTRAINT capability_assessments_overall_score_check CHECK (((overall_score >= (1)::numeric) AND (overall_score <= (100)::numeric))),
    CONSTRAINT capability_assessments_period_start_check CHECK (((EXTRACT(day FROM period_start) = (1)::numeric) AND (EXTRACT(month FROM period_start) = ANY (ARRAY[(1)::numeric, (4)::numeric, (7)::numeric, (10)::numeric])))),
    CONSTRAINT capability_assessments_state_check CHECK ((state = ANY (ARRAY['draft'::text, 'submitted'::text])))
);

ALTER TABLE ONLY public.capability_assessments FORCE ROW LEVEL SECURITY;


--
-- Name: capability_categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_categories (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    questionnaire_id uuid NOT NULL,
    "position" integer NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    CONSTRAINT capability_categories_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT capability_categories_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT capability_categories_position_check CHECK (("position" >= 0))
);

ALTER TABLE ONLY public.capability_categories FORCE ROW LEVEL SECURITY;


--
-- Name: capability_due_notices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_due_notices (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    partner_id uuid NOT NULL,
    half_start date NOT NULL,
    sent_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.capability_due_notices FORCE ROW LEVEL SECURITY;


--
-- Name: capability_goals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_goals (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    topic_code text NOT NULL,
    target_score integer NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT capability_goals_note_check CHECK ((length(note) <= 1000)),
    CONSTRAINT capability_goals_target_score_check CHECK (((target_score >= 1) AND (target_score <= 100))),
    CONSTRAINT capability_goals_topic_code_check CHECK ((topic_code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text))
);

ALTER TABLE ONLY public.capability_goals FORCE ROW LEVEL SECURITY;


--
-- Name: capability_questionnaires; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_questionnaires (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    version integer NOT NULL,
    document jsonb NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT capability_questionnaires_version_check CHECK ((version >= 1))
);

ALTER TABLE ONLY public.capability_questionnaires FORCE ROW LEVEL SECURITY;


--
-- Name: capability_questions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_questions (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    topic_id uuid NOT NULL,
    "position" integer NOT NULL,
    text text NOT NULL,
    kind text NOT NULL,
    choices jsonb DEFAULT '[]'::jsonb NOT NULL,
    CONSTRAINT capability_questions_check CHECK (((kind = 'text'::text) = (jsonb_array_length(choices) = 0))),
    CONSTRAINT capability_questions_choices_check CHECK ((jsonb_typeof(choices) = 'array'::text)),
    CONSTRAINT capability_questions_kind_check CHECK ((kind = ANY (ARRAY['single'::text, 'multi'::text, 'text'::text]))),
    CONSTRAINT capability_questions_position_check CHECK (("position" >= 0)),
    CONSTRAINT capability_questions_text_check CHECK (((length(btrim(text)) >= 1) AND (length(btrim(text)) <= 300)))
);

ALTER TABLE ONLY public.capability_questions FORCE ROW LEVEL SECURITY;


--
-- Name: capability_settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_settings (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    yellow_from integer DEFAULT 50 NOT NULL,
    green_from integer DEFAULT 75 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT capability_settings_check CHECK (((1 < yellow_from) AND (yellow_from < green_from) AND (green_from <= 100)))
);

ALTER TABLE ONLY public.capability_settings FORCE ROW LEVEL SECURITY;


--
-- Name: capability_tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_tasks (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    goal_id uuid,
    topic_code text NOT NULL,
    title text NOT NULL,
    status text DEFAULT 'not_started'::text NOT NULL,
    due_on date,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT capability_tasks_status_check CHECK ((status = ANY (ARRAY['recommended'::text, 'not_started'::text, 'in_progress'::text, 'done'::text]))),
    CONSTRAINT capability_tasks_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 200))),
    CONSTRAINT capability_tasks_topic_code_check CHECK ((topic_code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text))
);

ALTER TABLE ONLY public.capability_tasks FORCE ROW LEVEL SECURITY;


--
-- Name: capability_topics; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.capability_topics (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    category_id uuid NOT NULL,
    questionnaire_id uuid NOT NULL,
    "position" integer NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    recommendation text NOT NULL,
    CONSTRAINT capability_topics_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT capability_topics_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT capability_topics_position_check CHECK (("position" >= 0)),
    CONSTRAINT capability_topics_recommendation_check CHECK (((length(btrim(recommendation)) >= 1) AND (length(btrim(recommendation)) <= 200)))
);

ALTER TABLE ONLY public.capability_topics FORCE ROW LEVEL SECURITY;


--
-- Name: certification_files; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.certification_files (
    tenant_id uuid NOT NULL,
    certification_id uuid NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size integer NOT NULL,
    content bytea NOT NULL,
    CONSTRAINT certification_files_content_check CHECK (((octet_length(content) >= 1) AND (octet_length(content) <= 10485760))),
    CONSTRAINT certification_files_file_name_check CHECK (((length(file_name) >= 1) AND (length(file_name) <= 255))),
    CONSTRAINT certification_files_size_check CHECK (((size >= 1) AND (size <= 10485760)))
);
ALTER TABLE ONLY public.certification_files ALTER COLUMN content SET STORAGE EXTERNAL;

ALTER TABLE ONLY public.certification_files FORCE ROW LEVEL SECURITY;


--
-- Name: certification_types; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.certification_types (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    validity_months integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT certification_types_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT certification_types_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT certification_types_validity_months_check CHECK (((validity_months >= 1) AND (validity_months <= 120)))
);

ALTER TABLE ONLY public.certification_types FORCE ROW LEVEL SECURITY;


--
-- Name: certifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.certifications (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    type_id uuid NOT NULL,
    person_name text NOT NULL,
    person_email text NOT NULL,
    earned_on date NOT NULL,
    expires_on date NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    source text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    recorded_by uuid NOT NULL,
    decided_by uuid,
    decided_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT certifications_check CHECK ((expires_on > earned_on)),
    CONSTRAINT certifications_check1 CHECK (((status = 'pending'::text) = (decided_at IS NULL))),
    CONSTRAINT certifications_note_check CHECK ((length(note) <= 1000)),
    CONSTRAINT certifications_person_email_check CHECK (((person_email = lower(person_email)) AND ((length(person_email) >= 3) AND (length(person_email) <= 254)))),
    CONSTRAINT certifications_person_name_check CHECK (((length(btrim(person_name)) >= 1) AND (length(btrim(person_name)) <= 120))),
    CONSTRAINT certifications_source_check CHECK ((source = ANY (ARRAY['manual'::text, 'import'::text]))),
    CONSTRAINT certifications_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'verified'::text, 'rejected'::text])))
);

ALTER TABLE ONLY public.certifications FORCE ROW LEVEL SECURITY;


--
-- Name: customer_name_words; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customer_name_words (
    tenant_id uuid NOT NULL,
    word text NOT NULL,
    names bigint NOT NULL,
    CONSTRAINT customer_name_words_names_check CHECK ((names >= 0))
);

ALTER TABLE ONLY public.customer_name_words FORCE ROW LEVEL SECURITY;


--
-- Name: deal_counts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deal_counts (
    tenant_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    status text NOT NULL,
    cam_id uuid,
    n bigint NOT NULL
);

ALTER TABLE ONLY public.deal_counts FORCE ROW LEVEL SECURITY;


--
-- Name: deal_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deal_events (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    deal_id uuid NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor_id uuid,
    event text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    note text,
    staff_note text
);

ALTER TABLE ONLY public.deal_events FORCE ROW LEVEL SECURITY;


--
-- Name: deal_policies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deal_policies (
    tenant_id uuid NOT NULL,
    protection_days integer DEFAULT 90 NOT NULL,
    similarity_threshold real DEFAULT 0.6 NOT NULL,
    require_product_overlap boolean DEFAULT true NOT NULL,
    auto_approve_clean boolean DEFAULT false NOT NULL,
    extensions_allowed integer DEFAULT 1 NOT NULL,
    extension_days integer DEFAULT 30 NOT NULL,
    approval_sla_hours integer DEFAULT 48 NOT NULL,
    max_open_registrations integer,
    reminder_days integer DEFAULT 14 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT deal_policies_approval_sla_hours_check CHECK (((approval_sla_hours >= 1) AND (approval_sla_hours <= 720))),
    CONSTRAINT deal_policies_extension_days_check CHECK (((extension_days >= 1) AND (extension_days <= 365))),
    CONSTRAINT deal_policies_extensions_allowed_check CHECK (((extensions_allowed >= 0) AND (extensions_allowed <= 10))),
    CONSTRAINT deal_policies_max_open_registrations_check CHECK ((max_open_registrations > 0)),
    CONSTRAINT deal_policies_protection_days_check CHECK (((protection_days >= 1) AND (protection_days <= 730))),
    CONSTRAINT deal_policies_reminder_days_check CHECK (((reminder_days >= 0) AND (reminder_days <= 90))),
    CONSTRAINT deal_policies_similarity_threshold_check CHECK (((similarity_threshold >= (0.3)::double precision) AND (similarity_threshold <= (1)::double precision)))
);

ALTER TABLE ONLY public.deal_policies FORCE ROW LEVEL SECURITY;


--
-- Name: deals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deals (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    registered_by uuid NOT NULL,
    customer_name text NOT NULL,
    normalized_name text NOT NULL,
    customer_domain text,
    registrable_domain text,
    country text NOT NULL,
    products text[] NOT NULL,
    estimated_value numeric(14,2) NOT NULL,
    currency text NOT NULL,
    expected_close_date date NOT NULL,
    notes text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    conflicts jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    decided_at timestamp with time zone,
    decided_by uuid,
    decision_reason text,
    decision_note text,
    protected_until date,
    extensions_used integer DEFAULT 0 NOT NULL,
    extension_requested_at timestamp with time zone,
    extension_note text,
    closed_at timestamp with time zone,
    closed_amount numeric(14,2),
    reminder_sent_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    cam_id uuid,
    partner_name text NOT NULL,
    override_reason text,
    domain_label text GENERATED ALWAYS AS (replace(split_part(registrable_domain, '.'::text, 1), '-'::text, ''::text)) STORED,
    CONSTRAINT deals_approved_has_window CHECK (((status <> 'approved'::text) OR (protected_until IS NOT NULL))),
    CONSTRAINT deals_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT deals_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT deals_customer_name_check CHECK (((length(customer_name) >= 1) AND (length(customer_name) <= 200))),
    CONSTRAINT deals_decision_reason_check CHECK ((decision_reason = ANY (ARRAY['duplicate'::text, 'existing_customer'::text, 'direct_sales_engaged'::text, 'outside_territory'::text, 'insufficient_information'::text, 'other'::text]))),
    CONSTRAINT deals_estimated_value_check CHECK ((estimated_value > (0)::numeric)),
    CONSTRAINT deals_override_reason_check CHECK (((override_reason IS NULL) OR ((length(override_reason) >= 10) AND (length(override_reason) <= 1000)))),
    CONSTRAINT deals_products_check CHECK ((cardinality(products) > 0)),
    CONSTRAINT deals_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text, 'withdrawn'::text, 'expired'::text, 'won'::text, 'lost'::text])))
);
ALTER TABLE ONLY public.deals ALTER COLUMN conflicts SET COMPRESSION lz4;

ALTER TABLE ONLY public.deals FORCE ROW LEVEL SECURITY;


--
-- Name: ideal_profiles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ideal_profiles (
    tenant_id uuid NOT NULL,
    countries text[] DEFAULT '{}'::text[] NOT NULL,
    regions text[] DEFAULT '{}'::text[] NOT NULL,
    verticals text[] DEFAULT '{}'::text[] NOT NULL,
    services text[] DEFAULT '{}'::text[] NOT NULL,
    min_employees integer DEFAULT 0 NOT NULL,
    stale_days integer DEFAULT 7 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ideal_profiles_min_employees_check CHECK (((min_employees >= 0) AND (min_employees <= 1000000))),
    CONSTRAINT ideal_profiles_stale_days_check CHECK (((stale_days >= 1) AND (stale_days <= 365)))
);

ALTER TABLE ONLY public.ideal_profiles FORCE ROW LEVEL SECURITY;


--
-- Name: invitations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.invitations (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    accepted_at timestamp with time zone
);

ALTER TABLE ONLY public.invitations FORCE ROW LEVEL SECURITY;


--
-- Name: login_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.login_failures (
    key text NOT NULL,
    failed_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    attempt uuid
);


--
-- Name: mdf_activities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_activities (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    plan_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    activity_type text NOT NULL,
    title text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    cost numeric(14,2) NOT NULL,
    vendor_share_percent numeric(5,2) NOT NULL,
    audience integer NOT NULL,
    response_rate numeric(5,2) NOT NULL,
    mql_rate numeric(5,2) NOT NULL,
    sql_rate numeric(5,2) NOT NULL,
    win_rate numeric(5,2) NOT NULL,
    average_deal numeric(14,2) NOT NULL,
    rates_from text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_activities_audience_check CHECK ((audience >= 0)),
    CONSTRAINT mdf_activities_average_deal_check CHECK ((average_deal >= (0)::numeric)),
    CONSTRAINT mdf_activities_check CHECK ((ends_on >= starts_on)),
    CONSTRAINT mdf_activities_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT mdf_activities_mql_rate_check CHECK (((mql_rate >= (0)::numeric) AND (mql_rate <= (100)::numeric))),
    CONSTRAINT mdf_activities_rates_from_check CHECK ((rates_from = ANY (ARRAY['history'::text, 'benchmark'::text, 'edited'::text]))),
    CONSTRAINT mdf_activities_response_rate_check CHECK (((response_rate >= (0)::numeric) AND (response_rate <= (100)::numeric))),
    CONSTRAINT mdf_activities_sql_rate_check CHECK (((sql_rate >= (0)::numeric) AND (sql_rate <= (100)::numeric))),
    CONSTRAINT mdf_activities_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 200))),
    CONSTRAINT mdf_activities_vendor_share_percent_check CHECK (((vendor_share_percent >= (0)::numeric) AND (vendor_share_percent <= (100)::numeric))),
    CONSTRAINT mdf_activities_win_rate_check CHECK (((win_rate >= (0)::numeric) AND (win_rate <= (100)::numeric)))
);

ALTER TABLE ONLY public.mdf_activities FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_activity_types; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_activity_types (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    code text NOT NULL,
    label text NOT NULL,
    "position" integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    response_rate numeric(5,2) NOT NULL,
    mql_rate numeric(5,2) NOT NULL,
    sql_rate numeric(5,2) NOT NULL,
    win_rate numeric(5,2) NOT NULL,
    average_deal numeric(14,2) NOT NULL,
    CONSTRAINT mdf_activity_types_average_deal_check CHECK ((average_deal >= (0)::numeric)),
    CONSTRAINT mdf_activity_types_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT mdf_activity_types_label_check CHECK (((length(btrim(label)) >= 1) AND (length(btrim(label)) <= 80))),
    CONSTRAINT mdf_activity_types_mql_rate_check CHECK (((mql_rate >= (0)::numeric) AND (mql_rate <= (100)::numeric))),
    CONSTRAINT mdf_activity_types_response_rate_check CHECK (((response_rate >= (0)::numeric) AND (response_rate <= (100)::numeric))),
    CONSTRAINT mdf_activity_types_sql_rate_check CHECK (((sql_rate >= (0)::numeric) AND (sql_rate <= (100)::numeric))),
    CONSTRAINT mdf_activity_types_win_rate_check CHECK (((win_rate >= (0)::numeric) AND (win_rate <= (100)::numeric)))
);

ALTER TABLE ONLY public.mdf_activity_types FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_allocations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_allocations (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    fund_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    expires_on date NOT NULL,
    reimbursement_percent numeric(5,2) NOT NULL,
    basis jsonb,
    expired_at timestamp with time zone,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_allocations_reimbursement_percent_check CHECK (((reimbursement_percent > (0)::numeric) AND (reimbursement_percent <= (100)::numeric)))
);

ALTER TABLE ONLY public.mdf_allocations FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_attachment_contents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_attachment_contents (
    tenant_id uuid NOT NULL,
    attachment_id uuid NOT NULL,
    content bytea NOT NULL,
    CONSTRAINT mdf_attachment_contents_content_check CHECK (((octet_length(content) >= 1) AND (octet_length(content) <= 10485760)))
);
ALTER TABLE ONLY public.mdf_attachment_contents ALTER COLUMN content SET STORAGE EXTERNAL;

ALTER TABLE ONLY public.mdf_attachment_contents FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_attachments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_attachments (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    claim_id uuid NOT NULL,
    claim_line_id uuid NOT NULL,
    kind text DEFAULT 'other'::text NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size integer NOT NULL,
    sha256 text NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_attachments_file_name_check CHECK (((length(file_name) >= 1) AND (length(file_name) <= 255))),
    CONSTRAINT mdf_attachments_kind_check CHECK ((kind = ANY (ARRAY['invoice'::text, 'photo'::text, 'attendee_list'::text, 'screenshot'::text, 'other'::text]))),
    CONSTRAINT mdf_attachments_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT mdf_attachments_size_check CHECK (((size >= 1) AND (size <= 10485760)))
);

ALTER TABLE ONLY public.mdf_attachments FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_claim_lines; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_claim_lines (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    claim_id uuid NOT NULL,
    "position" integer NOT NULL,
    description text NOT NULL,
    amount numeric(14,2) NOT NULL,
    verdict text,
    approved_amount numeric(14,2),
    reason text,
    CONSTRAINT mdf_claim_lines_amount_check CHECK ((amount > (0)::numeric)),
    CONSTRAINT mdf_claim_lines_check CHECK (((verdict IS NULL) OR (approved_amount IS NOT NULL))),
    CONSTRAINT mdf_claim_lines_check1 CHECK (((verdict IS DISTINCT FROM 'approved'::text) OR (approved_amount = amount))),
    CONSTRAINT mdf_claim_lines_check2 CHECK (((verdict IS DISTINCT FROM 'reduced'::text) OR ((approved_amount > (0)::numeric) AND (approved_amount < amount) AND (reason IS NOT NULL)))),
    CONSTRAINT mdf_claim_lines_check3 CHECK (((verdict IS DISTINCT FROM 'rejected'::text) OR ((approved_amount = (0)::numeric) AND (reason IS NOT NULL)))),
    CONSTRAINT mdf_claim_lines_description_check CHECK (((length(btrim(description)) >= 1) AND (length(btrim(description)) <= 500))),
    CONSTRAINT mdf_claim_lines_verdict_check CHECK ((verdict = ANY (ARRAY['approved'::text, 'reduced'::text, 'rejected'::text])))
);

ALTER TABLE ONLY public.mdf_claim_lines FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_claims; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_claims (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    request_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    status text DEFAULT 'draft'::text NOT NULL,
    limit_amount numeric(14,2) NOT NULL,
    approved_total numeric(14,2),
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    submitted_at timestamp with time zone,
    reviewed_at timestamp with time zone,
    reviewed_by uuid,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_claims_approved_total_check CHECK ((approved_total >= (0)::numeric)),
    CONSTRAINT mdf_claims_check CHECK (((approved_total IS NULL) OR (approved_total <= limit_amount))),
    CONSTRAINT mdf_claims_limit_amount_check CHECK ((limit_amount >= (0)::numeric)),
    CONSTRAINT mdf_claims_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'submitted'::text, 'approved'::text, 'partly_approved'::text, 'rejected'::text, 'partly_paid'::text, 'paid'::text])))
);

ALTER TABLE ONLY public.mdf_claims FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_funds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_funds (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    period text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    currency text NOT NULL,
    total numeric(14,2) NOT NULL,
    reimbursement_percent numeric(5,2) NOT NULL,
    claim_window_days integer NOT NULL,
    accrual_percent numeric(5,2),
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_funds_accrual_percent_check CHECK (((accrual_percent >= (0)::numeric) AND (accrual_percent <= (100)::numeric))),
    CONSTRAINT mdf_funds_check CHECK ((ends_on > starts_on)),
    CONSTRAINT mdf_funds_check1 CHECK (((kind = 'accrual'::text) = (accrual_percent IS NOT NULL))),
    CONSTRAINT mdf_funds_claim_window_days_check CHECK (((claim_window_days >= 1) AND (claim_window_days <= 365))),
    CONSTRAINT mdf_funds_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT mdf_funds_kind_check CHECK ((kind = ANY (ARRAY['proposal'::text, 'accrual'::text, 'discretionary'::text]))),
    CONSTRAINT mdf_funds_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 120))),
    CONSTRAINT mdf_funds_period_check CHECK ((period = ANY (ARRAY['quarter'::text, 'half'::text, 'year'::text]))),
    CONSTRAINT mdf_funds_reimbursement_percent_check CHECK (((reimbursement_percent > (0)::numeric) AND (reimbursement_percent <= (100)::numeric))),
    CONSTRAINT mdf_funds_total_check CHECK ((total > (0)::numeric))
);

ALTER TABLE ONLY public.mdf_funds FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_ledger; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_ledger (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    seq bigint NOT NULL,
    fund_id uuid NOT NULL,
    allocation_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    request_id uuid,
    claim_id uuid,
    payment_id uuid,
    kind text NOT NULL,
    amount numeric(14,2) NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_ledger_check CHECK (((amount <> (0)::numeric) AND ((kind = 'adjust'::text) OR (amount > (0)::numeric)))),
    CONSTRAINT mdf_ledger_check1 CHECK (((kind <> ALL (ARRAY['reserve'::text, 'release'::text, 'claim'::text])) OR (request_id IS NOT NULL))),
    CONSTRAINT mdf_ledger_check2 CHECK (((kind <> 'pay'::text) OR (payment_id IS NOT NULL))),
    CONSTRAINT mdf_ledger_kind_check CHECK ((kind = ANY (ARRAY['allocate'::text, 'reserve'::text, 'release'::text, 'claim'::text, 'pay'::text, 'expire'::text, 'adjust'::text])))
);

ALTER TABLE ONLY public.mdf_ledger FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_ledger_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.mdf_ledger ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.mdf_ledger_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: mdf_payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_payments (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    claim_id uuid NOT NULL,
    amount numeric(14,2) NOT NULL,
    paid_on date NOT NULL,
    reference text NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_payments_amount_check CHECK ((amount > (0)::numeric)),
    CONSTRAINT mdf_payments_reference_check CHECK (((length(btrim(reference)) >= 1) AND (length(btrim(reference)) <= 120)))
);

ALTER TABLE ONLY public.mdf_payments FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_plans; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_plans (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    quarter_start date NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_plans_quarter_start_check CHECK (((EXTRACT(day FROM quarter_start) = (1)::numeric) AND (EXTRACT(month FROM quarter_start) = ANY (ARRAY[(1)::numeric, (4)::numeric, (7)::numeric, (10)::numeric]))))
);

ALTER TABLE ONLY public.mdf_plans FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_request_deals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_request_deals (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    request_id uuid NOT NULL,
    deal_id uuid NOT NULL
);

ALTER TABLE ONLY public.mdf_request_deals FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_request_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_request_events (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    request_id uuid NOT NULL,
    actor_id uuid,
    from_status text,
    to_status text NOT NULL,
    note text,
    at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.mdf_request_events FORCE ROW LEVEL SECURITY;


--
-- Name: mdf_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mdf_requests (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    allocation_id uuid NOT NULL,
    fund_id uuid NOT NULL,
    activity_id uuid,
    created_by uuid NOT NULL,
    title text NOT NULL,
    activity_type text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    total_cost numeric(14,2) NOT NULL,
    requested_amount numeric(14,2) NOT NULL,
    audience integer NOT NULL,
    response_rate numeric(5,2) NOT NULL,
    mql_rate numeric(5,2) NOT NULL,
    sql_rate numeric(5,2) NOT NULL,
    win_rate numeric(5,2) NOT NULL,
    average_deal numeric(14,2) NOT NULL,
    forecast_revenue numeric(16,2) NOT NULL,
    flagged boolean DEFAULT false NOT NULL,
    status text DEFAULT 'draft'::text NOT NULL,
    approved_amount numeric(14,2),
    reimbursement_percent numeric(5,2),
    claim_deadline date,
    submitted_at timestamp with time zone,
    decided_at timestamp with time zone,
    decided_by uuid,
    decision_note text,
    deadline_warned_at timestamp with time zone,
    actual_responses integer,
    actual_mqls integer,
    actual_sqls integer,
    results_reported_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT mdf_requests_actual_mqls_check CHECK ((actual_mqls >= 0)),
    CONSTRAINT mdf_requests_actual_responses_check CHECK ((actual_responses >= 0)),
    CONSTRAINT mdf_requests_actual_sqls_check CHECK ((actual_sqls >= 0)),
    CONSTRAINT mdf_requests_approved_amount_check CHECK ((approved_amount > (0)::numeric)),
    CONSTRAINT mdf_requests_audience_check CHECK ((audience >= 0)),
    CONSTRAINT mdf_requests_average_deal_check CHECK ((average_deal >= (0)::numeric)),
    CONSTRAINT mdf_requests_check CHECK ((ends_on >= starts_on)),
    CONSTRAINT mdf_requests_check1 CHECK ((requested_amount <= total_cost)),
    CONSTRAINT mdf_requests_check2 CHECK (((approved_amount IS NULL) OR (approved_amount <= requested_amount))),
    CONSTRAINT mdf_requests_check3 CHECK (((status <> ALL (ARRAY['approved'::text, 'partly_approved'::text, 'claimed'::text])) OR ((approved_amount IS NOT NULL) AND (claim_deadline IS NOT NULL) AND (reimbursement_percent IS NOT NULL)))),
    CONSTRAINT mdf_requests_description_check CHECK ((length(description) <= 4000)),
    CONSTRAINT mdf_requests_forecast_revenue_check CHECK ((forecast_revenue >= (0)::numeric)),
    CONSTRAINT mdf_requests_mql_rate_check CHECK (((mql_rate >= (0)::numeric) AND (mql_rate <= (100)::numeric))),
    CONSTRAINT mdf_requests_requested_amount_check CHECK ((requested_amount > (0)::numeric)),
    CONSTRAINT mdf_requests_response_rate_check CHECK (((response_rate >= (0)::numeric) AND (response_rate <= (100)::numeric))),
    CONSTRAINT mdf_requests_sql_rate_check CHECK (((sql_rate >= (0)::numeric) AND (sql_rate <= (100)::numeric))),
    CONSTRAINT mdf_requests_status_check CHECK ((status = ANY (ARRAY['draft'::text, 'submitted'::text, 'info_requested'::text, 'approved'::text, 'partly_approved'::text, 'rejected'::text, 'declined'::text, 'cancelled'::text, 'expired'::text, 'claimed'::text]))),
    CONSTRAINT mdf_requests_title_check CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 200))),
    CONSTRAINT mdf_requests_total_cost_check CHECK ((total_cost > (0)::numeric)),
    CONSTRAINT mdf_requests_win_rate_check CHECK (((win_rate >= (0)::numeric) AND (win_rate <= (100)::numeric)))
);

ALTER TABLE ONLY public.mdf_requests FORCE ROW LEVEL SECURITY;


--
-- Name: name_key_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.name_key_version (
    only_row boolean DEFAULT true NOT NULL,
    version integer NOT NULL,
    CONSTRAINT name_key_version_only_row_check CHECK (only_row)
);


--
-- Name: named_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.named_accounts (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    domain text,
    normalized_name text NOT NULL,
    registrable_domain text,
    domain_label text GENERATED ALWAYS AS (replace(split_part(registrable_domain, '.'::text, 1), '-'::text, ''::text)) STORED,
    CONSTRAINT named_accounts_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200)))
);

ALTER TABLE ONLY public.named_accounts FORCE ROW LEVEL SECURITY;


--
-- Name: onboarding_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.onboarding_items (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    partner_id uuid NOT NULL,
    "position" integer NOT NULL,
    title text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    link text DEFAULT ''::text NOT NULL,
    phase integer NOT NULL,
    owner text NOT NULL,
    due_on date NOT NULL,
    required boolean NOT NULL,
    auto text,
    completed_at timestamp with time zone,
    completed_by uuid,
    note text,
    CONSTRAINT onboarding_items_auto_check CHECK ((auto = ANY (ARRAY['agreement_accepted'::text, 'users_invited'::text, 'first_deal_registered'::text]))),
    CONSTRAINT onboarding_items_note_check CHECK ((length(note) <= 2000)),
    CONSTRAINT onboarding_items_owner_check CHECK ((owner = ANY (ARRAY['partner'::text, 'cam'::text]))),
    CONSTRAINT onboarding_items_phase_check CHECK ((phase = ANY (ARRAY[30, 60, 90])))
);

ALTER TABLE ONLY public.onboarding_items FORCE ROW LEVEL SECURITY;


--
-- Name: onboarding_template_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.onboarding_template_items (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    "position" integer NOT NULL,
    title text NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    link text DEFAULT ''::text NOT NULL,
    phase integer NOT NULL,
    owner text NOT NULL,
    due_days integer NOT NULL,
    required boolean DEFAULT true NOT NULL,
    auto text,
    CONSTRAINT onboarding_template_items_auto_check CHECK ((auto = ANY (ARRAY['agreement_accepted'::text, 'users_invited'::text, 'first_deal_registered'::text]))),
    CONSTRAINT onboarding_template_items_description_check CHECK ((length(description) <= 2000)),
    CONSTRAINT onboarding_template_items_due_days_check CHECK (((due_days >= 0) AND (due_days <= 365))),
    CONSTRAINT onboarding_template_items_link_check CHECK ((length(link) <= 500)),
    CONSTRAINT onboarding_template_items_owner_check CHECK ((owner = ANY (ARRAY['partner'::text, 'cam'::text]))),
    CONSTRAINT onboarding_template_items_phase_check CHECK ((phase = ANY (ARRAY[30, 60, 90]))),
    CONSTRAINT onboarding_template_items_title_check CHECK (((length(title) >= 1) AND (length(title) <= 200)))
);

ALTER TABLE ONLY public.onboarding_template_items FORCE ROW LEVEL SECURITY;


--
-- Name: outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.outbox (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    sent_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text
);

ALTER TABLE ONLY public.outbox FORCE ROW LEVEL SECURITY;


--
-- Name: partner_standings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.partner_standings (
    tenant_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    action text,
    qualifies_for text,
    proposed_tier text,
    grace_until date,
    override_tier text,
    override_until date,
    override_reason text,
    override_by uuid,
    evaluated_at timestamp with time zone,
    evaluated_on date,
    next_evaluation_on date DEFAULT CURRENT_DATE NOT NULL,
    projection_tier text,
    progress jsonb DEFAULT '[]'::jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT partner_standings_action_check CHECK ((action = ANY (ARRAY['promote'::text, 'propose_promotion'::text, 'hold'::text, 'warn'::text, 'start_grace'::text, 'in_grace'::text, 'demote'::text, 'overridden'::text]))),
    CONSTRAINT partner_standings_check CHECK (((override_tier IS NULL) = (override_until IS NULL))),
    CONSTRAINT partner_standings_override_reason_check CHECK ((length(override_reason) <= 1000))
);

ALTER TABLE ONLY public.partner_standings FORCE ROW LEVEL SECURITY;


--
-- Name: partners; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.partners (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    country text NOT NULL,
    region text NOT NULL,
    tier text DEFAULT 'registered'::text NOT NULL,
    cam_id uuid,
    life_stage text DEFAULT 'onboarding'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT partners_country_check CHECK ((country ~ '^[A-Z]{2}$'::text)),
    CONSTRAINT partners_life_stage_check CHECK ((life_stage = ANY (ARRAY['applicant'::text, 'onboarding'::text, 'activated'::text, 'producing'::text, 'lapsed'::text]))),
    CONSTRAINT partners_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT partners_region_check CHECK (((length(region) >= 1) AND (length(region) <= 60))),
    CONSTRAINT partners_tier_check CHECK (((length(tier) >= 1) AND (length(tier) <= 60)))
);

ALTER TABLE ONLY public.partners FORCE ROW LEVEL SECURITY;


--
-- Name: plan_settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plan_settings (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    fiscal_year_start_month integer DEFAULT 1 NOT NULL,
    coverage_index numeric(4,2) DEFAULT 3 NOT NULL,
    coverage_from_win_rate boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    default_growth_percent numeric(6,2) DEFAULT 10 NOT NULL,
    CONSTRAINT plan_settings_coverage_index_check CHECK (((coverage_index >= (1)::numeric) AND (coverage_index <= (10)::numeric))),
    CONSTRAINT plan_settings_default_growth_percent_check CHECK (((default_growth_percent >= ('-100'::integer)::numeric) AND (default_growth_percent <= (1000)::numeric))),
    CONSTRAINT plan_settings_fiscal_year_start_month_check CHECK (((fiscal_year_start_month >= 1) AND (fiscal_year_start_month <= 12)))
);

ALTER TABLE ONLY public.plan_settings FORCE ROW LEVEL SECURITY;


--
-- Name: products; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.products (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT products_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'::text)),
    CONSTRAINT products_name_check CHECK (((length(name) >= 1) AND (length(name) <= 120)))
);

ALTER TABLE ONLY public.products FORCE ROW LEVEL SECURITY;


--
-- Name: public_submissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.public_submissions (
    key text NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone
);

ALTER TABLE ONLY public.sessions FORCE ROW LEVEL SECURITY;


--
-- Name: tenants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenants (
    id uuid NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    CONSTRAINT tenants_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT tenants_slug_check CHECK ((slug ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'::text)),
    CONSTRAINT tenants_time_zone_check CHECK (((length(time_zone) >= 1) AND (length(time_zone) <= 64)))
);


--
-- Name: tier_custom_values; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tier_custom_values (
    tenant_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    name text NOT NULL,
    value numeric(16,2) NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tier_custom_values_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 80)))
);

ALTER TABLE ONLY public.tier_custom_values FORCE ROW LEVEL SECURITY;


--
-- Name: tier_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tier_history (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    seq bigint NOT NULL,
    partner_id uuid NOT NULL,
    on_date date NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    action text NOT NULL,
    from_tier text NOT NULL,
    to_tier text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    actor_id uuid,
    CONSTRAINT tier_history_action_check CHECK ((action = ANY (ARRAY['promote'::text, 'propose_promotion'::text, 'approve_promotion'::text, 'warn'::text, 'start_grace'::text, 'recover'::text, 'demote'::text, 'override'::text, 'override_ended'::text, 'set_by_admin'::text]))),
    CONSTRAINT tier_history_note_check CHECK ((length(note) <= 1000))
);

ALTER TABLE ONLY public.tier_history FORCE ROW LEVEL SECURITY;


--
-- Name: tier_history_seq_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tier_history ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.tier_history_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tier_policies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tier_policies (
    tenant_id uuid NOT NULL,
    evaluate_every_days integer DEFAULT 7 NOT NULL,
    auto_promote boolean DEFAULT true NOT NULL,
    grace_days integer DEFAULT 90 NOT NULL,
    risk_margin_percent integer DEFAULT 10 NOT NULL,
    producing_days integer DEFAULT 90 NOT NULL,
    lapsed_days integer DEFAULT 90 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tier_policies_evaluate_every_days_check CHECK (((evaluate_every_days >= 1) AND (evaluate_every_days <= 366))),
    CONSTRAINT tier_policies_grace_days_check CHECK (((grace_days >= 0) AND (grace_days <= 730))),
    CONSTRAINT tier_policies_lapsed_days_check CHECK (((lapsed_days >= 1) AND (lapsed_days <= 730))),
    CONSTRAINT tier_policies_producing_days_check CHECK (((producing_days >= 1) AND (producing_days <= 730))),
    CONSTRAINT tier_policies_risk_margin_percent_check CHECK (((risk_margin_percent >= 0) AND (risk_margin_percent <= 100)))
);

ALTER TABLE ONLY public.tier_policies FORCE ROW LEVEL SECURITY;


--
-- Name: tier_requirements; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tier_requirements (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tier_code text NOT NULL,
    "position" integer NOT NULL,
    metric text NOT NULL,
    parameter text DEFAULT ''::text NOT NULL,
    threshold numeric(16,2) NOT NULL,
    window_days integer DEFAULT 365 NOT NULL,
    mandatory boolean DEFAULT true NOT NULL,
    CONSTRAINT tier_requirements_metric_check CHECK ((metric ~ '^[a-z_]{1,40}$'::text)),
    CONSTRAINT tier_requirements_parameter_check CHECK ((length(parameter) <= 80)),
    CONSTRAINT tier_requirements_position_check CHECK (("position" >= 0)),
    CONSTRAINT tier_requirements_threshold_check CHECK ((threshold >= (0)::numeric)),
    CONSTRAINT tier_requirements_window_days_check CHECK (((window_days >= 1) AND (window_days <= 1095)))
);

ALTER TABLE ONLY public.tier_requirements FORCE ROW LEVEL SECURITY;


--
-- Name: tiers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tiers (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    code text NOT NULL,
    rank integer NOT NULL,
    name text NOT NULL,
    badge_colour text DEFAULT '#5b6472'::text NOT NULL,
    discount_percent numeric(5,2) DEFAULT 0 NOT NULL,
    mdf_accrual_percent numeric(5,2) DEFAULT 0 NOT NULL,
    protection_days integer DEFAULT 90 NOT NULL,
    benefits_from date DEFAULT '2026-01-01'::date NOT NULL,
    optional_needed integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tiers_badge_colour_check CHECK ((badge_colour ~ '^#[0-9a-f]{6}$'::text)),
    CONSTRAINT tiers_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT tiers_discount_percent_check CHECK (((discount_percent >= (0)::numeric) AND (discount_percent <= (100)::numeric))),
    CONSTRAINT tiers_mdf_accrual_percent_check CHECK (((mdf_accrual_percent >= (0)::numeric) AND (mdf_accrual_percent <= (100)::numeric))),
    CONSTRAINT tiers_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 60))),
    CONSTRAINT tiers_optional_needed_check CHECK ((optional_needed >= 0)),
    CONSTRAINT tiers_protection_days_check CHECK (((protection_days >= 1) AND (protection_days <= 730))),
    CONSTRAINT tiers_rank_check CHECK (((rank >= 0) AND (rank <= 20)))
);

ALTER TABLE ONLY public.tiers FORCE ROW LEVEL SECURITY;


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    email text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    partner_id uuid,
    password_hash text,
    active boolean DEFAULT true NOT NULL,
    session_version integer DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    time_zone text,
    CONSTRAINT users_email_check CHECK (((email = lower(email)) AND ((length(email) >= 3) AND (length(email) <= 254)))),
    CONSTRAINT users_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT users_partner_matches_role CHECK (((role = ANY (ARRAY['partner_admin'::text, 'partner_user'::text])) = (partner_id IS NOT NULL))),
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['program_admin'::text, 'channel_chief'::text, 'cam'::text, 'partner_admin'::text, 'partner_user'::text]))),
    CONSTRAINT users_time_zone_check CHECK (((length(time_zone) >= 1) AND (length(time_zone) <= 64)))
);

ALTER TABLE ONLY public.users FORCE ROW LEVEL SECURITY;


--
-- Name: vocabulary_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vocabulary_entries (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    kind text NOT NULL,
    code text NOT NULL,
    label text NOT NULL,
    "position" integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT vocabulary_entries_code_check CHECK ((code ~ '^[a-z0-9][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT vocabulary_entries_kind_check CHECK ((kind = ANY (ARRAY['vertical'::text, 'service'::text]))),
    CONSTRAINT vocabulary_entries_label_check CHECK (((length(btrim(label)) >= 1) AND (length(btrim(label)) <= 80)))
);

ALTER TABLE ONLY public.vocabulary_entries FORCE ROW LEVEL SECURITY;


--
-- Name: _sqlx_migrations _sqlx_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public._sqlx_migrations
    ADD CONSTRAINT _sqlx_migrations_pkey PRIMARY KEY (version);


--
-- Name: agreement_acceptances agreement_acceptances_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreement_acceptances
    ADD CONSTRAINT agreement_acceptances_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: agreement_acceptances agreement_acceptances_tenant_id_partner_id_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreement_acceptances
    ADD CONSTRAINT agreement_acceptances_tenant_id_partner_id_version_key UNIQUE (tenant_id, partner_id, version);


--
-- Name: agreements agreements_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreements
    ADD CONSTRAINT agreements_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: agreements agreements_tenant_id_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreements
    ADD CONSTRAINT agreements_tenant_id_version_key UNIQUE (tenant_id, version);


--
-- Name: application_notes application_notes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_notes
    ADD CONSTRAINT application_notes_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: applications applications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: business_plan_comments business_plan_comments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_comments
    ADD CONSTRAINT business_plan_comments_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: business_plan_objectives business_plan_objectives_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_objectives
    ADD CONSTRAINT business_plan_objectives_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: business_plan_objectives business_plan_objectives_tenant_id_plan_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_objectives
    ADD CONSTRAINT business_plan_objectives_tenant_id_plan_id_position_key UNIQUE (tenant_id, plan_id, "position") DEFERRABLE INITIALLY DEFERRED;


--
-- Name: business_plan_versions business_plan_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_versions
    ADD CONSTRAINT business_plan_versions_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: business_plan_versions business_plan_versions_tenant_id_plan_id_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_versions
    ADD CONSTRAINT business_plan_versions_tenant_id_plan_id_version_key UNIQUE (tenant_id, plan_id, version);


--
-- Name: business_plans business_plans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plans
    ADD CONSTRAINT business_plans_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_assessments capability_assessments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_assessments capability_assessments_tenant_id_partner_id_period_start_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_tenant_id_partner_id_period_start_key UNIQUE (tenant_id, partner_id, period_start);


--
-- Name: capability_categories capability_categories_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_categories
    ADD CONSTRAINT capability_categories_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_categories capability_categories_tenant_id_questionnaire_id_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_categories
    ADD CONSTRAINT capability_categories_tenant_id_questionnaire_id_code_key UNIQUE (tenant_id, questionnaire_id, code);


--
-- Name: capability_categories capability_categories_tenant_id_questionnaire_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_categories
    ADD CONSTRAINT capability_categories_tenant_id_questionnaire_id_position_key UNIQUE (tenant_id, questionnaire_id, "position");


--
-- Name: capability_due_notices capability_due_notices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_due_notices
    ADD CONSTRAINT capability_due_notices_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_due_notices capability_due_notices_tenant_id_partner_id_half_start_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_due_notices
    ADD CONSTRAINT capability_due_notices_tenant_id_partner_id_half_start_key UNIQUE (tenant_id, partner_id, half_start);


--
-- Name: capability_goals capability_goals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_goals
    ADD CONSTRAINT capability_goals_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_goals capability_goals_tenant_id_partner_id_topic_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_goals
    ADD CONSTRAINT capability_goals_tenant_id_partner_id_topic_code_key UNIQUE (tenant_id, partner_id, topic_code);


--
-- Name: capability_questionnaires capability_questionnaires_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questionnaires
    ADD CONSTRAINT capability_questionnaires_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_questionnaires capability_questionnaires_tenant_id_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questionnaires
    ADD CONSTRAINT capability_questionnaires_tenant_id_version_key UNIQUE (tenant_id, version);


--
-- Name: capability_questions capability_questions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questions
    ADD CONSTRAINT capability_questions_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_questions capability_questions_tenant_id_topic_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questions
    ADD CONSTRAINT capability_questions_tenant_id_topic_id_position_key UNIQUE (tenant_id, topic_id, "position");


--
-- Name: capability_settings capability_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_settings
    ADD CONSTRAINT capability_settings_pkey PRIMARY KEY (tenant_id);


--
-- Name: capability_tasks capability_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_tasks
    ADD CONSTRAINT capability_tasks_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_topics capability_topics_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_topics
    ADD CONSTRAINT capability_topics_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: capability_topics capability_topics_tenant_id_category_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_topics
    ADD CONSTRAINT capability_topics_tenant_id_category_id_position_key UNIQUE (tenant_id, category_id, "position");


--
-- Name: capability_topics capability_topics_tenant_id_questionnaire_id_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_topics
    ADD CONSTRAINT capability_topics_tenant_id_questionnaire_id_code_key UNIQUE (tenant_id, questionnaire_id, code);


--
-- Name: certification_files certification_files_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_files
    ADD CONSTRAINT certification_files_pkey PRIMARY KEY (tenant_id, certification_id);


--
-- Name: certification_types certification_types_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_types
    ADD CONSTRAINT certification_types_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: certification_types certification_types_tenant_id_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_types
    ADD CONSTRAINT certification_types_tenant_id_code_key UNIQUE (tenant_id, code);


--
-- Name: certifications certifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: certifications certifications_tenant_id_partner_id_type_id_person_email_ea_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_tenant_id_partner_id_type_id_person_email_ea_key UNIQUE (tenant_id, partner_id, type_id, person_email, earned_on);


--
-- Name: customer_name_words customer_name_words_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer_name_words
    ADD CONSTRAINT customer_name_words_pkey PRIMARY KEY (tenant_id, word);


--
-- Name: deal_counts deal_counts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_counts
    ADD CONSTRAINT deal_counts_pkey PRIMARY KEY (tenant_id, partner_id, status);


--
-- Name: deal_events deal_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_events
    ADD CONSTRAINT deal_events_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: deal_policies deal_policies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_policies
    ADD CONSTRAINT deal_policies_pkey PRIMARY KEY (tenant_id);


--
-- Name: deals deals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: ideal_profiles ideal_profiles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ideal_profiles
    ADD CONSTRAINT ideal_profiles_pkey PRIMARY KEY (tenant_id);


--
-- Name: invitations invitations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: invitations invitations_tenant_id_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_tenant_id_token_hash_key UNIQUE (tenant_id, token_hash);


--
-- Name: mdf_activities mdf_activities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activities
    ADD CONSTRAINT mdf_activities_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_activity_types mdf_activity_types_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activity_types
    ADD CONSTRAINT mdf_activity_types_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_activity_types mdf_activity_types_tenant_id_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activity_types
    ADD CONSTRAINT mdf_activity_types_tenant_id_code_key UNIQUE (tenant_id, code);


--
-- Name: mdf_allocations mdf_allocations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_allocations
    ADD CONSTRAINT mdf_allocations_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_allocations mdf_allocations_tenant_id_fund_id_partner_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_allocations
    ADD CONSTRAINT mdf_allocations_tenant_id_fund_id_partner_id_key UNIQUE (tenant_id, fund_id, partner_id);


--
-- Name: mdf_attachment_contents mdf_attachment_contents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachment_contents
    ADD CONSTRAINT mdf_attachment_contents_pkey PRIMARY KEY (tenant_id, attachment_id);


--
-- Name: mdf_attachments mdf_attachments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachments
    ADD CONSTRAINT mdf_attachments_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_claim_lines mdf_claim_lines_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claim_lines
    ADD CONSTRAINT mdf_claim_lines_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_claims mdf_claims_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_claims mdf_claims_tenant_id_request_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_tenant_id_request_id_key UNIQUE (tenant_id, request_id);


--
-- Name: mdf_funds mdf_funds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_funds
    ADD CONSTRAINT mdf_funds_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_payments mdf_payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_payments
    ADD CONSTRAINT mdf_payments_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_plans mdf_plans_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_plans
    ADD CONSTRAINT mdf_plans_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_plans mdf_plans_tenant_id_partner_id_quarter_start_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_plans
    ADD CONSTRAINT mdf_plans_tenant_id_partner_id_quarter_start_key UNIQUE (tenant_id, partner_id, quarter_start);


--
-- Name: mdf_request_deals mdf_request_deals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_deals
    ADD CONSTRAINT mdf_request_deals_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_request_deals mdf_request_deals_tenant_id_deal_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_deals
    ADD CONSTRAINT mdf_request_deals_tenant_id_deal_id_key UNIQUE (tenant_id, deal_id);


--
-- Name: mdf_request_events mdf_request_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_events
    ADD CONSTRAINT mdf_request_events_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: mdf_requests mdf_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: name_key_version name_key_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.name_key_version
    ADD CONSTRAINT name_key_version_pkey PRIMARY KEY (only_row);


--
-- Name: named_accounts named_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.named_accounts
    ADD CONSTRAINT named_accounts_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: onboarding_items onboarding_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.onboarding_items
    ADD CONSTRAINT onboarding_items_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: onboarding_template_items onboarding_template_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.onboarding_template_items
    ADD CONSTRAINT onboarding_template_items_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: outbox outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: partner_standings partner_standings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_standings
    ADD CONSTRAINT partner_standings_pkey PRIMARY KEY (tenant_id, partner_id);


--
-- Name: partners partners_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partners
    ADD CONSTRAINT partners_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: plan_settings plan_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plan_settings
    ADD CONSTRAINT plan_settings_pkey PRIMARY KEY (tenant_id);


--
-- Name: products products_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: products products_tenant_id_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_tenant_id_code_key UNIQUE (tenant_id, code);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: tenants tenants_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_slug_key UNIQUE (slug);


--
-- Name: tier_custom_values tier_custom_values_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_custom_values
    ADD CONSTRAINT tier_custom_values_pkey PRIMARY KEY (tenant_id, partner_id, name);


--
-- Name: tier_history tier_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_history
    ADD CONSTRAINT tier_history_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: tier_policies tier_policies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_policies
    ADD CONSTRAINT tier_policies_pkey PRIMARY KEY (tenant_id);


--
-- Name: tier_requirements tier_requirements_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_requirements
    ADD CONSTRAINT tier_requirements_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: tier_requirements tier_requirements_tenant_id_tier_code_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_requirements
    ADD CONSTRAINT tier_requirements_tenant_id_tier_code_position_key UNIQUE (tenant_id, tier_code, "position");


--
-- Name: tiers tiers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tiers
    ADD CONSTRAINT tiers_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: tiers tiers_tenant_id_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tiers
    ADD CONSTRAINT tiers_tenant_id_code_key UNIQUE (tenant_id, code);


--
-- Name: tiers tiers_tenant_id_rank_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tiers
    ADD CONSTRAINT tiers_tenant_id_rank_key UNIQUE (tenant_id, rank) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: users users_tenant_id_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_tenant_id_email_key UNIQUE (tenant_id, email);


--
-- Name: vocabulary_entries vocabulary_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vocabulary_entries
    ADD CONSTRAINT vocabulary_entries_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: vocabulary_entries vocabulary_entries_tenant_id_kind_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vocabulary_entries
    ADD CONSTRAINT vocabulary_entries_tenant_id_kind_code_key UNIQUE (tenant_id, kind, code);


--
-- Name: application_notes_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX application_notes_idx ON public.application_notes USING btree (tenant_id, application_id, created_at);


--
-- Name: applications_queue_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX applications_queue_idx ON public.applications USING btree (tenant_id, status, fit_score DESC, created_at);


--
-- Name: audit_log_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_at_idx ON public.audit_log USING btree (tenant_id, at DESC);


--
-- Name: audit_log_entity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_entity_idx ON public.audit_log USING btree (tenant_id, entity_type, entity_id, at);


--
-- Name: business_plan_comments_plan_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX business_plan_comments_plan_idx ON public.business_plan_comments USING btree (tenant_id, plan_id, created_at);


--
-- Name: business_plans_active_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX business_plans_active_key ON public.business_plans USING btree (tenant_id, partner_id, fiscal_year) WHERE (state <> 'closed'::text);


--
-- Name: business_plans_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX business_plans_partner_idx ON public.business_plans USING btree (tenant_id, partner_id, starts_on, ends_on) INCLUDE (state);


--
-- Name: business_plans_state_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX business_plans_state_idx ON public.business_plans USING btree (tenant_id, state, fiscal_year);


--
-- Name: capability_assessments_submitted_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX capability_assessments_submitted_idx ON public.capability_assessments USING btree (tenant_id, partner_id, period_start DESC) INCLUDE (overall_score) WHERE (state = 'submitted'::text);


--
-- Name: capability_tasks_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX capability_tasks_partner_idx ON public.capability_tasks USING btree (tenant_id, partner_id, topic_code);


--
-- Name: certification_types_name_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX certification_types_name_key ON public.certification_types USING btree (tenant_id, lower(name));


--
-- Name: certifications_counting_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX certifications_counting_idx ON public.certifications USING btree (tenant_id, partner_id, type_id, expires_on) INCLUDE (person_email) WHERE (status = 'verified'::text);


--
-- Name: certifications_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX certifications_partner_idx ON public.certifications USING btree (tenant_id, partner_id, created_at);


--
-- Name: certifications_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX certifications_pending_idx ON public.certifications USING btree (tenant_id, created_at) WHERE (status = 'pending'::text);


--
-- Name: deal_counts_cam_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deal_counts_cam_idx ON public.deal_counts USING btree (tenant_id, cam_id, status) INCLUDE (n);


--
-- Name: deal_counts_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deal_counts_status_idx ON public.deal_counts USING btree (tenant_id, status) INCLUDE (n);


--
-- Name: deal_events_deal_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deal_events_deal_idx ON public.deal_events USING btree (tenant_id, deal_id, at);


--
-- Name: deals_cam_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_cam_created_idx ON public.deals USING btree (tenant_id, cam_id, created_at DESC, id DESC);


--
-- Name: deals_cam_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_cam_status_idx ON public.deals USING btree (tenant_id, cam_id, status, created_at, id);


--
-- Name: deals_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_created_idx ON public.deals USING btree (tenant_id, created_at DESC, id DESC);


--
-- Name: deals_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_expiry_idx ON public.deals USING btree (protected_until) WHERE (status = 'approved'::text);


--
-- Name: deals_extension_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_extension_idx ON public.deals USING btree (tenant_id, extension_requested_at) WHERE ((status = 'approved'::text) AND (extension_requested_at IS NOT NULL));


--
-- Name: deals_open_domain_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_open_domain_idx ON public.deals USING btree (tenant_id, registrable_domain) WHERE (status = ANY (ARRAY['pending'::text, 'approved'::text]));


--
-- Name: deals_open_domain_label_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_open_domain_label_idx ON public.deals USING btree (tenant_id, domain_label) WHERE ((status = ANY (ARRAY['pending'::text, 'approved'::text])) AND (domain_label IS NOT NULL));


--
-- Name: deals_open_name_trgm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_open_name_trgm ON public.deals USING gin (normalized_name public.gin_trgm_ops) WHERE (status = ANY (ARRAY['pending'::text, 'approved'::text]));


--
-- Name: deals_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_partner_idx ON public.deals USING btree (tenant_id, partner_id, created_at DESC, id DESC);


--
-- Name: deals_partner_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_partner_status_idx ON public.deals USING btree (tenant_id, partner_id, status, created_at, id);


--
-- Name: deals_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_status_idx ON public.deals USING btree (tenant_id, status, created_at, id);


--
-- Name: deals_won_closed_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX deals_won_closed_idx ON public.deals USING btree (tenant_id, closed_at) INCLUDE (partner_id, currency, closed_amount, estimated_value) WHERE (status = 'won'::text);


--
-- Name: login_failures_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX login_failures_key_idx ON public.login_failures USING btree (key, failed_at);


--
-- Name: mdf_activities_plan_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_activities_plan_idx ON public.mdf_activities USING btree (tenant_id, plan_id, starts_on);


--
-- Name: mdf_allocations_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_allocations_expiry_idx ON public.mdf_allocations USING btree (expires_on) WHERE (expired_at IS NULL);


--
-- Name: mdf_allocations_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_allocations_partner_idx ON public.mdf_allocations USING btree (tenant_id, partner_id, expires_on);


--
-- Name: mdf_attachments_line_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_attachments_line_idx ON public.mdf_attachments USING btree (tenant_id, claim_line_id);


--
-- Name: mdf_claim_lines_claim_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_claim_lines_claim_idx ON public.mdf_claim_lines USING btree (tenant_id, claim_id, "position");


--
-- Name: mdf_claims_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_claims_partner_idx ON public.mdf_claims USING btree (tenant_id, partner_id, created_at DESC);


--
-- Name: mdf_claims_queue_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_claims_queue_idx ON public.mdf_claims USING btree (tenant_id, submitted_at) WHERE (status = 'submitted'::text);


--
-- Name: mdf_funds_name_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX mdf_funds_name_key ON public.mdf_funds USING btree (tenant_id, lower(name));


--
-- Name: mdf_funds_period_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_funds_period_idx ON public.mdf_funds USING btree (tenant_id, starts_on, ends_on);


--
-- Name: mdf_ledger_allocation_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_ledger_allocation_idx ON public.mdf_ledger USING btree (tenant_id, allocation_id, kind);


--
-- Name: mdf_ledger_fund_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_ledger_fund_idx ON public.mdf_ledger USING btree (tenant_id, fund_id, created_at);


--
-- Name: mdf_ledger_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_ledger_partner_idx ON public.mdf_ledger USING btree (tenant_id, partner_id, created_at);


--
-- Name: mdf_ledger_pay_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_ledger_pay_idx ON public.mdf_ledger USING btree (tenant_id, created_at) INCLUDE (partner_id, amount) WHERE (kind = 'pay'::text);


--
-- Name: mdf_ledger_request_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_ledger_request_idx ON public.mdf_ledger USING btree (tenant_id, request_id) WHERE (request_id IS NOT NULL);


--
-- Name: mdf_payments_claim_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_payments_claim_idx ON public.mdf_payments USING btree (tenant_id, claim_id);


--
-- Name: mdf_request_deals_request_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_request_deals_request_idx ON public.mdf_request_deals USING btree (tenant_id, request_id);


--
-- Name: mdf_request_events_request_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_request_events_request_idx ON public.mdf_request_events USING btree (tenant_id, request_id, at);


--
-- Name: mdf_requests_activity_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX mdf_requests_activity_key ON public.mdf_requests USING btree (tenant_id, activity_id) WHERE ((activity_id IS NOT NULL) AND (status <> ALL (ARRAY['cancelled'::text, 'declined'::text])));


--
-- Name: mdf_requests_allocation_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_requests_allocation_idx ON public.mdf_requests USING btree (tenant_id, allocation_id, status);


--
-- Name: mdf_requests_deadline_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_requests_deadline_idx ON public.mdf_requests USING btree (claim_deadline) WHERE (status = ANY (ARRAY['approved'::text, 'partly_approved'::text]));


--
-- Name: mdf_requests_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_requests_partner_idx ON public.mdf_requests USING btree (tenant_id, partner_id, created_at DESC);


--
-- Name: mdf_requests_queue_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_requests_queue_idx ON public.mdf_requests USING btree (tenant_id, fund_id, submitted_at) WHERE (status = 'submitted'::text);


--
-- Name: mdf_requests_results_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX mdf_requests_results_idx ON public.mdf_requests USING btree (tenant_id, partner_id) WHERE (results_reported_at IS NOT NULL);


--
-- Name: named_accounts_domain_label_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX named_accounts_domain_label_idx ON public.named_accounts USING btree (tenant_id, domain_label) WHERE (domain_label IS NOT NULL);


--
-- Name: named_accounts_name_trgm; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX named_accounts_name_trgm ON public.named_accounts USING gin (normalized_name public.gin_trgm_ops);


--
-- Name: onboarding_items_open_auto_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX onboarding_items_open_auto_idx ON public.onboarding_items USING btree (tenant_id, partner_id) WHERE ((completed_at IS NULL) AND (auto IS NOT NULL));


--
-- Name: onboarding_items_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX onboarding_items_partner_idx ON public.onboarding_items USING btree (tenant_id, partner_id, "position");


--
-- Name: outbox_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_created_idx ON public.outbox USING btree (tenant_id, created_at DESC);


--
-- Name: outbox_unsent_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outbox_unsent_idx ON public.outbox USING btree (next_attempt_at) WHERE (sent_at IS NULL);


--
-- Name: partner_standings_action_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partner_standings_action_idx ON public.partner_standings USING btree (tenant_id, action);


--
-- Name: partner_standings_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partner_standings_due_idx ON public.partner_standings USING btree (tenant_id, next_evaluation_on);


--
-- Name: partners_cam_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partners_cam_idx ON public.partners USING btree (tenant_id, cam_id) INCLUDE (id);


--
-- Name: partners_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partners_name_idx ON public.partners USING btree (tenant_id, lower(name), id);


--
-- Name: partners_name_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX partners_name_key ON public.partners USING btree (tenant_id, lower(name));


--
-- Name: public_submissions_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX public_submissions_key_idx ON public.public_submissions USING btree (key, at);


--
-- Name: sessions_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sessions_user_idx ON public.sessions USING btree (tenant_id, user_id);


--
-- Name: tier_history_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tier_history_date_idx ON public.tier_history USING btree (tenant_id, on_date);


--
-- Name: tier_history_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tier_history_partner_idx ON public.tier_history USING btree (tenant_id, partner_id, on_date DESC, seq DESC);


--
-- Name: users_partner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX users_partner_idx ON public.users USING btree (tenant_id, partner_id);


--
-- Name: vocabulary_entries_label_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX vocabulary_entries_label_key ON public.vocabulary_entries USING btree (tenant_id, kind, regexp_replace(lower(label), '[\s_-]+'::text, ''::text, 'g'::text));


--
-- Name: agreement_acceptances agreement_acceptances_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER agreement_acceptances_audit AFTER INSERT OR DELETE OR UPDATE ON public.agreement_acceptances FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: agreement_acceptances agreement_acceptances_onboarding; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER agreement_acceptances_onboarding AFTER INSERT ON public.agreement_acceptances FOR EACH ROW EXECUTE FUNCTION public.app_onboarding_event();


--
-- Name: agreements agreements_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER agreements_audit AFTER INSERT OR DELETE OR UPDATE ON public.agreements FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: application_notes application_notes_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER application_notes_audit AFTER INSERT OR DELETE OR UPDATE ON public.application_notes FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: applications applications_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER applications_audit AFTER INSERT OR DELETE OR UPDATE ON public.applications FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: business_plan_comments business_plan_comments_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER business_plan_comments_audit AFTER INSERT OR DELETE OR UPDATE ON public.business_plan_comments FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: business_plan_objectives business_plan_objectives_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER business_plan_objectives_audit AFTER INSERT OR DELETE OR UPDATE ON public.business_plan_objectives FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: business_plan_versions business_plan_versions_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER business_plan_versions_append_only BEFORE DELETE OR UPDATE ON public.business_plan_versions FOR EACH ROW EXECUTE FUNCTION public.app_refuse_change();


--
-- Name: business_plan_versions business_plan_versions_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER business_plan_versions_audit AFTER INSERT OR DELETE OR UPDATE ON public.business_plan_versions FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: business_plans business_plans_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER business_plans_audit AFTER INSERT OR DELETE OR UPDATE ON public.business_plans FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: capability_assessments capability_assessments_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER capability_assessments_audit AFTER INSERT OR DELETE OR UPDATE ON public.capability_assessments FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: capability_due_notices capability_due_notices_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER capability_due_notices_audit AFTER INSERT OR DELETE OR UPDATE ON public.capability_due_notices FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: capability_goals capability_goals_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER capability_goals_audit AFTER INSERT OR DELETE OR UPDATE ON public.capability_goals FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: capability_questionnaires capability_questionnaires_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER capability_questionnaires_audit AFTER INSERT OR DELETE OR UPDATE ON public.capability_questionnaires FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: capability_settings capability_settings_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER capability_settings_audit AFTER INSERT OR DELETE OR UPDATE ON public.capability_settings FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: capability_tasks capability_tasks_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER capability_tasks_audit AFTER INSERT OR DELETE OR UPDATE ON public.capability_tasks FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: certification_types certification_types_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER certification_types_audit AFTER INSERT OR DELETE OR UPDATE ON public.certification_types FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: certifications certifications_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER certifications_audit AFTER INSERT OR DELETE OR UPDATE ON public.certifications FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: deal_policies deal_policies_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER deal_policies_audit AFTER INSERT OR DELETE OR UPDATE ON public.deal_policies FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: deals deals_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER deals_audit AFTER INSERT OR DELETE ON public.deals FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: deals deals_audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER deals_audit_update AFTER UPDATE ON public.deals FOR EACH ROW WHEN (((to_jsonb(old.*) - ARRAY['cam_id'::text, 'partner_name'::text, 'normalized_name'::text]) IS DISTINCT FROM (to_jsonb(new.*) - ARRAY['cam_id'::text, 'partner_name'::text, 'normalized_name'::text]))) EXECUTE FUNCTION public.audit_row_change();


--
-- Name: deals deals_cam; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER deals_cam BEFORE INSERT OR UPDATE OF partner_id, cam_id, partner_name ON public.deals FOR EACH ROW EXECUTE FUNCTION public.app_deal_cam();


--
-- Name: deals deals_counts; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER deals_counts AFTER INSERT OR DELETE ON public.deals DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.app_deal_counts();


--
-- Name: deals deals_counts_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER deals_counts_update AFTER UPDATE OF status, partner_id ON public.deals DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (((old.status IS DISTINCT FROM new.status) OR (old.partner_id IS DISTINCT FROM new.partner_id))) EXECUTE FUNCTION public.app_deal_counts();


--
-- Name: deals deals_name_words; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER deals_name_words AFTER INSERT OR DELETE ON public.deals DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.app_name_words();


--
-- Name: deals deals_name_words_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER deals_name_words_update AFTER UPDATE OF normalized_name ON public.deals DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((old.normalized_name IS DISTINCT FROM new.normalized_name)) EXECUTE FUNCTION public.app_name_words();


--
-- Name: deals deals_onboarding; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER deals_onboarding AFTER INSERT ON public.deals FOR EACH ROW EXECUTE FUNCTION public.app_onboarding_event();


--
-- Name: ideal_profiles ideal_profiles_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ideal_profiles_audit AFTER INSERT OR DELETE OR UPDATE ON public.ideal_profiles FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: invitations invitations_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER invitations_audit AFTER INSERT OR DELETE OR UPDATE ON public.invitations FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_activities mdf_activities_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_activities_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_activities FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_activity_types mdf_activity_types_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_activity_types_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_activity_types FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_allocations mdf_allocations_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_allocations_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_allocations FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_attachments mdf_attachments_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_attachments_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_attachments FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_claim_lines mdf_claim_lines_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_claim_lines_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_claim_lines FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_claims mdf_claims_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_claims_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_claims FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_funds mdf_funds_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_funds_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_funds FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_ledger mdf_ledger_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_ledger_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_ledger FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_ledger mdf_ledger_no_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_ledger_no_change BEFORE DELETE OR UPDATE ON public.mdf_ledger FOR EACH ROW EXECUTE FUNCTION public.mdf_ledger_append_only();


--
-- Name: mdf_ledger mdf_ledger_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_ledger_no_truncate BEFORE TRUNCATE ON public.mdf_ledger FOR EACH STATEMENT EXECUTE FUNCTION public.mdf_ledger_append_only();


--
-- Name: mdf_payments mdf_payments_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_payments_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_payments FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_plans mdf_plans_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_plans_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_plans FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_request_deals mdf_request_deals_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_request_deals_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_request_deals FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: mdf_requests mdf_requests_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER mdf_requests_audit AFTER INSERT OR DELETE OR UPDATE ON public.mdf_requests FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: named_accounts named_accounts_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER named_accounts_audit AFTER INSERT OR DELETE ON public.named_accounts FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: named_accounts named_accounts_audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER named_accounts_audit_update AFTER UPDATE ON public.named_accounts FOR EACH ROW WHEN (((to_jsonb(old.*) - 'normalized_name'::text) IS DISTINCT FROM (to_jsonb(new.*) - 'normalized_name'::text))) EXECUTE FUNCTION public.audit_row_change();


--
-- Name: onboarding_items onboarding_items_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER onboarding_items_audit AFTER INSERT OR DELETE OR UPDATE ON public.onboarding_items FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: onboarding_template_items onboarding_template_items_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER onboarding_template_items_audit AFTER INSERT OR DELETE OR UPDATE ON public.onboarding_template_items FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: partner_standings partner_standings_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER partner_standings_audit AFTER UPDATE ON public.partner_standings FOR EACH ROW WHEN (((old.action IS DISTINCT FROM new.action) OR (old.grace_until IS DISTINCT FROM new.grace_until) OR (old.override_tier IS DISTINCT FROM new.override_tier) OR (old.override_until IS DISTINCT FROM new.override_until) OR (old.proposed_tier IS DISTINCT FROM new.proposed_tier))) EXECUTE FUNCTION public.audit_row_change();


--
-- Name: partners partners_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER partners_audit AFTER INSERT OR DELETE OR UPDATE ON public.partners FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: partners partners_cam; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER partners_cam AFTER UPDATE OF cam_id, name ON public.partners FOR EACH ROW WHEN (((old.cam_id IS DISTINCT FROM new.cam_id) OR (old.name IS DISTINCT FROM new.name))) EXECUTE FUNCTION public.app_partner_cam_changed();


--
-- Name: plan_settings plan_settings_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER plan_settings_audit AFTER INSERT OR DELETE OR UPDATE ON public.plan_settings FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: products products_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER products_audit AFTER INSERT OR DELETE OR UPDATE ON public.products FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: tenants tenants_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_audit AFTER UPDATE OF time_zone ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.audit_tenant_change();


--
-- Name: tenants tenants_seed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_seed AFTER INSERT ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.app_seed_tenant_trigger();


--
-- Name: tenants tenants_seed_capability; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_seed_capability AFTER INSERT ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.app_seed_capability_trigger();


--
-- Name: tenants tenants_seed_certification_types; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_seed_certification_types AFTER INSERT ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.app_seed_certification_types_trigger();


--
-- Name: tenants tenants_seed_mdf_activity_types; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_seed_mdf_activity_types AFTER INSERT ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.app_seed_mdf_activity_types_trigger();


--
-- Name: tenants tenants_seed_tiers; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_seed_tiers AFTER INSERT ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.app_seed_tiers_trigger();


--
-- Name: tenants tenants_seed_vocabularies; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_seed_vocabularies AFTER INSERT ON public.tenants FOR EACH ROW EXECUTE FUNCTION public.app_seed_vocabularies_trigger();


--
-- Name: tier_custom_values tier_custom_values_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tier_custom_values_audit AFTER INSERT OR DELETE OR UPDATE ON public.tier_custom_values FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: tier_history tier_history_no_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tier_history_no_change BEFORE DELETE OR UPDATE ON public.tier_history FOR EACH ROW EXECUTE FUNCTION public.tier_history_append_only();


--
-- Name: tier_history tier_history_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tier_history_no_truncate BEFORE TRUNCATE ON public.tier_history FOR EACH STATEMENT EXECUTE FUNCTION public.tier_history_append_only();


--
-- Name: tier_policies tier_policies_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tier_policies_audit AFTER INSERT OR DELETE OR UPDATE ON public.tier_policies FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: tier_requirements tier_requirements_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tier_requirements_audit AFTER INSERT OR DELETE OR UPDATE ON public.tier_requirements FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: tiers tiers_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tiers_audit AFTER INSERT OR DELETE OR UPDATE ON public.tiers FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: users users_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_audit AFTER INSERT OR DELETE OR UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: users users_onboarding; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_onboarding AFTER INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.app_onboarding_event();


--
-- Name: users users_session_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER users_session_version BEFORE UPDATE OF role, partner_id, active ON public.users FOR EACH ROW EXECUTE FUNCTION public.app_bump_session_version();


--
-- Name: vocabulary_entries vocabulary_entries_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER vocabulary_entries_audit AFTER INSERT OR DELETE OR UPDATE ON public.vocabulary_entries FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();


--
-- Name: agreement_acceptances agreement_acceptances_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreement_acceptances
    ADD CONSTRAINT agreement_acceptances_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: agreement_acceptances agreement_acceptances_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreement_acceptances
    ADD CONSTRAINT agreement_acceptances_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: agreement_acceptances agreement_acceptances_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreement_acceptances
    ADD CONSTRAINT agreement_acceptances_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES public.users(tenant_id, id);


--
-- Name: agreement_acceptances agreement_acceptances_tenant_id_version_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreement_acceptances
    ADD CONSTRAINT agreement_acceptances_tenant_id_version_fkey FOREIGN KEY (tenant_id, version) REFERENCES public.agreements(tenant_id, version);


--
-- Name: agreements agreements_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreements
    ADD CONSTRAINT agreements_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: agreements agreements_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agreements
    ADD CONSTRAINT agreements_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: application_notes application_notes_tenant_id_application_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_notes
    ADD CONSTRAINT application_notes_tenant_id_application_id_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES public.applications(tenant_id, id);


--
-- Name: application_notes application_notes_tenant_id_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_notes
    ADD CONSTRAINT application_notes_tenant_id_author_id_fkey FOREIGN KEY (tenant_id, author_id) REFERENCES public.users(tenant_id, id);


--
-- Name: application_notes application_notes_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.application_notes
    ADD CONSTRAINT application_notes_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: applications applications_tenant_id_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_tenant_id_decided_by_fkey FOREIGN KEY (tenant_id, decided_by) REFERENCES public.users(tenant_id, id);


--
-- Name: applications applications_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: applications applications_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.applications
    ADD CONSTRAINT applications_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: audit_log audit_log_tenant_id_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_tenant_id_actor_id_fkey FOREIGN KEY (tenant_id, actor_id) REFERENCES public.users(tenant_id, id);


--
-- Name: audit_log audit_log_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: business_plan_comments business_plan_comments_tenant_id_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_comments
    ADD CONSTRAINT business_plan_comments_tenant_id_author_id_fkey FOREIGN KEY (tenant_id, author_id) REFERENCES public.users(tenant_id, id);


--
-- Name: business_plan_comments business_plan_comments_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_comments
    ADD CONSTRAINT business_plan_comments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: business_plan_comments business_plan_comments_tenant_id_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_comments
    ADD CONSTRAINT business_plan_comments_tenant_id_plan_id_fkey FOREIGN KEY (tenant_id, plan_id) REFERENCES public.business_plans(tenant_id, id) ON DELETE CASCADE;


--
-- Name: business_plan_objectives business_plan_objectives_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_objectives
    ADD CONSTRAINT business_plan_objectives_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: business_plan_objectives business_plan_objectives_tenant_id_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_objectives
    ADD CONSTRAINT business_plan_objectives_tenant_id_plan_id_fkey FOREIGN KEY (tenant_id, plan_id) REFERENCES public.business_plans(tenant_id, id) ON DELETE CASCADE;


--
-- Name: business_plan_versions business_plan_versions_tenant_id_agreed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_versions
    ADD CONSTRAINT business_plan_versions_tenant_id_agreed_by_fkey FOREIGN KEY (tenant_id, agreed_by) REFERENCES public.users(tenant_id, id);


--
-- Name: business_plan_versions business_plan_versions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_versions
    ADD CONSTRAINT business_plan_versions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: business_plan_versions business_plan_versions_tenant_id_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plan_versions
    ADD CONSTRAINT business_plan_versions_tenant_id_plan_id_fkey FOREIGN KEY (tenant_id, plan_id) REFERENCES public.business_plans(tenant_id, id);


--
-- Name: business_plans business_plans_tenant_id_agreed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plans
    ADD CONSTRAINT business_plans_tenant_id_agreed_by_fkey FOREIGN KEY (tenant_id, agreed_by) REFERENCES public.users(tenant_id, id);


--
-- Name: business_plans business_plans_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plans
    ADD CONSTRAINT business_plans_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: business_plans business_plans_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plans
    ADD CONSTRAINT business_plans_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: business_plans business_plans_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.business_plans
    ADD CONSTRAINT business_plans_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: capability_assessments capability_assessments_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: capability_assessments capability_assessments_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_assessments capability_assessments_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: capability_assessments capability_assessments_tenant_id_questionnaire_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_tenant_id_questionnaire_id_fkey FOREIGN KEY (tenant_id, questionnaire_id) REFERENCES public.capability_questionnaires(tenant_id, id);


--
-- Name: capability_assessments capability_assessments_tenant_id_submitted_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_assessments
    ADD CONSTRAINT capability_assessments_tenant_id_submitted_by_fkey FOREIGN KEY (tenant_id, submitted_by) REFERENCES public.users(tenant_id, id);


--
-- Name: capability_categories capability_categories_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_categories
    ADD CONSTRAINT capability_categories_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_categories capability_categories_tenant_id_questionnaire_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_categories
    ADD CONSTRAINT capability_categories_tenant_id_questionnaire_id_fkey FOREIGN KEY (tenant_id, questionnaire_id) REFERENCES public.capability_questionnaires(tenant_id, id);


--
-- Name: capability_due_notices capability_due_notices_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_due_notices
    ADD CONSTRAINT capability_due_notices_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_due_notices capability_due_notices_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_due_notices
    ADD CONSTRAINT capability_due_notices_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: capability_goals capability_goals_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_goals
    ADD CONSTRAINT capability_goals_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: capability_goals capability_goals_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_goals
    ADD CONSTRAINT capability_goals_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_goals capability_goals_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_goals
    ADD CONSTRAINT capability_goals_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: capability_questionnaires capability_questionnaires_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questionnaires
    ADD CONSTRAINT capability_questionnaires_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: capability_questionnaires capability_questionnaires_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questionnaires
    ADD CONSTRAINT capability_questionnaires_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_questions capability_questions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questions
    ADD CONSTRAINT capability_questions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_questions capability_questions_tenant_id_topic_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_questions
    ADD CONSTRAINT capability_questions_tenant_id_topic_id_fkey FOREIGN KEY (tenant_id, topic_id) REFERENCES public.capability_topics(tenant_id, id);


--
-- Name: capability_settings capability_settings_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_settings
    ADD CONSTRAINT capability_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_tasks capability_tasks_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_tasks
    ADD CONSTRAINT capability_tasks_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: capability_tasks capability_tasks_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_tasks
    ADD CONSTRAINT capability_tasks_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_tasks capability_tasks_tenant_id_goal_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_tasks
    ADD CONSTRAINT capability_tasks_tenant_id_goal_id_fkey FOREIGN KEY (tenant_id, goal_id) REFERENCES public.capability_goals(tenant_id, id) ON DELETE SET NULL (goal_id);


--
-- Name: capability_tasks capability_tasks_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_tasks
    ADD CONSTRAINT capability_tasks_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: capability_topics capability_topics_tenant_id_category_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_topics
    ADD CONSTRAINT capability_topics_tenant_id_category_id_fkey FOREIGN KEY (tenant_id, category_id) REFERENCES public.capability_categories(tenant_id, id);


--
-- Name: capability_topics capability_topics_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_topics
    ADD CONSTRAINT capability_topics_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: capability_topics capability_topics_tenant_id_questionnaire_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.capability_topics
    ADD CONSTRAINT capability_topics_tenant_id_questionnaire_id_fkey FOREIGN KEY (tenant_id, questionnaire_id) REFERENCES public.capability_questionnaires(tenant_id, id);


--
-- Name: certification_files certification_files_tenant_id_certification_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_files
    ADD CONSTRAINT certification_files_tenant_id_certification_id_fkey FOREIGN KEY (tenant_id, certification_id) REFERENCES public.certifications(tenant_id, id) ON DELETE CASCADE;


--
-- Name: certification_files certification_files_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_files
    ADD CONSTRAINT certification_files_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: certification_types certification_types_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certification_types
    ADD CONSTRAINT certification_types_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: certifications certifications_tenant_id_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_tenant_id_decided_by_fkey FOREIGN KEY (tenant_id, decided_by) REFERENCES public.users(tenant_id, id);


--
-- Name: certifications certifications_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: certifications certifications_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: certifications certifications_tenant_id_recorded_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_tenant_id_recorded_by_fkey FOREIGN KEY (tenant_id, recorded_by) REFERENCES public.users(tenant_id, id);


--
-- Name: certifications certifications_tenant_id_type_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.certifications
    ADD CONSTRAINT certifications_tenant_id_type_id_fkey FOREIGN KEY (tenant_id, type_id) REFERENCES public.certification_types(tenant_id, id);


--
-- Name: customer_name_words customer_name_words_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer_name_words
    ADD CONSTRAINT customer_name_words_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: deal_counts deal_counts_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_counts
    ADD CONSTRAINT deal_counts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id) ON DELETE CASCADE;


--
-- Name: deal_counts deal_counts_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_counts
    ADD CONSTRAINT deal_counts_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id) ON DELETE CASCADE;


--
-- Name: deal_events deal_events_tenant_id_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_events
    ADD CONSTRAINT deal_events_tenant_id_actor_id_fkey FOREIGN KEY (tenant_id, actor_id) REFERENCES public.users(tenant_id, id);


--
-- Name: deal_events deal_events_tenant_id_deal_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_events
    ADD CONSTRAINT deal_events_tenant_id_deal_id_fkey FOREIGN KEY (tenant_id, deal_id) REFERENCES public.deals(tenant_id, id);


--
-- Name: deal_events deal_events_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_events
    ADD CONSTRAINT deal_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: deal_policies deal_policies_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deal_policies
    ADD CONSTRAINT deal_policies_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: deals deals_tenant_id_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_tenant_id_decided_by_fkey FOREIGN KEY (tenant_id, decided_by) REFERENCES public.users(tenant_id, id);


--
-- Name: deals deals_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: deals deals_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: deals deals_tenant_id_registered_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deals
    ADD CONSTRAINT deals_tenant_id_registered_by_fkey FOREIGN KEY (tenant_id, registered_by) REFERENCES public.users(tenant_id, id);


--
-- Name: ideal_profiles ideal_profiles_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ideal_profiles
    ADD CONSTRAINT ideal_profiles_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: invitations invitations_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: invitations invitations_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.invitations
    ADD CONSTRAINT invitations_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_activities mdf_activities_tenant_id_activity_type_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activities
    ADD CONSTRAINT mdf_activities_tenant_id_activity_type_fkey FOREIGN KEY (tenant_id, activity_type) REFERENCES public.mdf_activity_types(tenant_id, code);


--
-- Name: mdf_activities mdf_activities_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activities
    ADD CONSTRAINT mdf_activities_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_activities mdf_activities_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activities
    ADD CONSTRAINT mdf_activities_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: mdf_activities mdf_activities_tenant_id_plan_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activities
    ADD CONSTRAINT mdf_activities_tenant_id_plan_id_fkey FOREIGN KEY (tenant_id, plan_id) REFERENCES public.mdf_plans(tenant_id, id);


--
-- Name: mdf_activity_types mdf_activity_types_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_activity_types
    ADD CONSTRAINT mdf_activity_types_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_allocations mdf_allocations_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_allocations
    ADD CONSTRAINT mdf_allocations_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_allocations mdf_allocations_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_allocations
    ADD CONSTRAINT mdf_allocations_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_allocations mdf_allocations_tenant_id_fund_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_allocations
    ADD CONSTRAINT mdf_allocations_tenant_id_fund_id_fkey FOREIGN KEY (tenant_id, fund_id) REFERENCES public.mdf_funds(tenant_id, id);


--
-- Name: mdf_allocations mdf_allocations_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_allocations
    ADD CONSTRAINT mdf_allocations_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: mdf_attachment_contents mdf_attachment_contents_tenant_id_attachment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachment_contents
    ADD CONSTRAINT mdf_attachment_contents_tenant_id_attachment_id_fkey FOREIGN KEY (tenant_id, attachment_id) REFERENCES public.mdf_attachments(tenant_id, id) ON DELETE CASCADE;


--
-- Name: mdf_attachment_contents mdf_attachment_contents_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachment_contents
    ADD CONSTRAINT mdf_attachment_contents_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_attachments mdf_attachments_tenant_id_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachments
    ADD CONSTRAINT mdf_attachments_tenant_id_claim_id_fkey FOREIGN KEY (tenant_id, claim_id) REFERENCES public.mdf_claims(tenant_id, id);


--
-- Name: mdf_attachments mdf_attachments_tenant_id_claim_line_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachments
    ADD CONSTRAINT mdf_attachments_tenant_id_claim_line_id_fkey FOREIGN KEY (tenant_id, claim_line_id) REFERENCES public.mdf_claim_lines(tenant_id, id);


--
-- Name: mdf_attachments mdf_attachments_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachments
    ADD CONSTRAINT mdf_attachments_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_attachments mdf_attachments_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_attachments
    ADD CONSTRAINT mdf_attachments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_claim_lines mdf_claim_lines_tenant_id_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claim_lines
    ADD CONSTRAINT mdf_claim_lines_tenant_id_claim_id_fkey FOREIGN KEY (tenant_id, claim_id) REFERENCES public.mdf_claims(tenant_id, id);


--
-- Name: mdf_claim_lines mdf_claim_lines_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claim_lines
    ADD CONSTRAINT mdf_claim_lines_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_claims mdf_claims_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_claims mdf_claims_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_claims mdf_claims_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: mdf_claims mdf_claims_tenant_id_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_tenant_id_request_id_fkey FOREIGN KEY (tenant_id, request_id) REFERENCES public.mdf_requests(tenant_id, id);


--
-- Name: mdf_claims mdf_claims_tenant_id_reviewed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_claims
    ADD CONSTRAINT mdf_claims_tenant_id_reviewed_by_fkey FOREIGN KEY (tenant_id, reviewed_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_funds mdf_funds_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_funds
    ADD CONSTRAINT mdf_funds_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_funds mdf_funds_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_funds
    ADD CONSTRAINT mdf_funds_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_allocation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_allocation_id_fkey FOREIGN KEY (tenant_id, allocation_id) REFERENCES public.mdf_allocations(tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_claim_id_fkey FOREIGN KEY (tenant_id, claim_id) REFERENCES public.mdf_claims(tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_fund_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_fund_id_fkey FOREIGN KEY (tenant_id, fund_id) REFERENCES public.mdf_funds(tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_payment_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_payment_id_fkey FOREIGN KEY (tenant_id, payment_id) REFERENCES public.mdf_payments(tenant_id, id);


--
-- Name: mdf_ledger mdf_ledger_tenant_id_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_ledger
    ADD CONSTRAINT mdf_ledger_tenant_id_request_id_fkey FOREIGN KEY (tenant_id, request_id) REFERENCES public.mdf_requests(tenant_id, id);


--
-- Name: mdf_payments mdf_payments_tenant_id_claim_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_payments
    ADD CONSTRAINT mdf_payments_tenant_id_claim_id_fkey FOREIGN KEY (tenant_id, claim_id) REFERENCES public.mdf_claims(tenant_id, id);


--
-- Name: mdf_payments mdf_payments_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_payments
    ADD CONSTRAINT mdf_payments_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_payments mdf_payments_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_payments
    ADD CONSTRAINT mdf_payments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_plans mdf_plans_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_plans
    ADD CONSTRAINT mdf_plans_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_plans mdf_plans_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_plans
    ADD CONSTRAINT mdf_plans_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_plans mdf_plans_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_plans
    ADD CONSTRAINT mdf_plans_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: mdf_request_deals mdf_request_deals_tenant_id_deal_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_deals
    ADD CONSTRAINT mdf_request_deals_tenant_id_deal_id_fkey FOREIGN KEY (tenant_id, deal_id) REFERENCES public.deals(tenant_id, id);


--
-- Name: mdf_request_deals mdf_request_deals_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_deals
    ADD CONSTRAINT mdf_request_deals_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_request_deals mdf_request_deals_tenant_id_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_deals
    ADD CONSTRAINT mdf_request_deals_tenant_id_request_id_fkey FOREIGN KEY (tenant_id, request_id) REFERENCES public.mdf_requests(tenant_id, id);


--
-- Name: mdf_request_events mdf_request_events_tenant_id_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_events
    ADD CONSTRAINT mdf_request_events_tenant_id_actor_id_fkey FOREIGN KEY (tenant_id, actor_id) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_request_events mdf_request_events_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_events
    ADD CONSTRAINT mdf_request_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_request_events mdf_request_events_tenant_id_request_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_request_events
    ADD CONSTRAINT mdf_request_events_tenant_id_request_id_fkey FOREIGN KEY (tenant_id, request_id) REFERENCES public.mdf_requests(tenant_id, id);


--
-- Name: mdf_requests mdf_requests_tenant_id_activity_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_activity_id_fkey FOREIGN KEY (tenant_id, activity_id) REFERENCES public.mdf_activities(tenant_id, id);


--
-- Name: mdf_requests mdf_requests_tenant_id_activity_type_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_activity_type_fkey FOREIGN KEY (tenant_id, activity_type) REFERENCES public.mdf_activity_types(tenant_id, code);


--
-- Name: mdf_requests mdf_requests_tenant_id_allocation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_allocation_id_fkey FOREIGN KEY (tenant_id, allocation_id) REFERENCES public.mdf_allocations(tenant_id, id);


--
-- Name: mdf_requests mdf_requests_tenant_id_created_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_created_by_fkey FOREIGN KEY (tenant_id, created_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_requests mdf_requests_tenant_id_decided_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_decided_by_fkey FOREIGN KEY (tenant_id, decided_by) REFERENCES public.users(tenant_id, id);


--
-- Name: mdf_requests mdf_requests_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: mdf_requests mdf_requests_tenant_id_fund_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_fund_id_fkey FOREIGN KEY (tenant_id, fund_id) REFERENCES public.mdf_funds(tenant_id, id);


--
-- Name: mdf_requests mdf_requests_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mdf_requests
    ADD CONSTRAINT mdf_requests_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: named_accounts named_accounts_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.named_accounts
    ADD CONSTRAINT named_accounts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: onboarding_items onboarding_items_tenant_id_completed_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.onboarding_items
    ADD CONSTRAINT onboarding_items_tenant_id_completed_by_fkey FOREIGN KEY (tenant_id, completed_by) REFERENCES public.users(tenant_id, id);


--
-- Name: onboarding_items onboarding_items_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.onboarding_items
    ADD CONSTRAINT onboarding_items_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: onboarding_items onboarding_items_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.onboarding_items
    ADD CONSTRAINT onboarding_items_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: onboarding_template_items onboarding_template_items_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.onboarding_template_items
    ADD CONSTRAINT onboarding_template_items_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: outbox outbox_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: partner_standings partner_standings_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_standings
    ADD CONSTRAINT partner_standings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: partner_standings partner_standings_tenant_id_override_by_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_standings
    ADD CONSTRAINT partner_standings_tenant_id_override_by_fkey FOREIGN KEY (tenant_id, override_by) REFERENCES public.users(tenant_id, id);


--
-- Name: partner_standings partner_standings_tenant_id_override_tier_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_standings
    ADD CONSTRAINT partner_standings_tenant_id_override_tier_fkey FOREIGN KEY (tenant_id, override_tier) REFERENCES public.tiers(tenant_id, code);


--
-- Name: partner_standings partner_standings_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_standings
    ADD CONSTRAINT partner_standings_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: partners partners_tenant_id_cam_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partners
    ADD CONSTRAINT partners_tenant_id_cam_id_fkey FOREIGN KEY (tenant_id, cam_id) REFERENCES public.users(tenant_id, id);


--
-- Name: partners partners_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partners
    ADD CONSTRAINT partners_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: partners partners_tier_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partners
    ADD CONSTRAINT partners_tier_fkey FOREIGN KEY (tenant_id, tier) REFERENCES public.tiers(tenant_id, code);


--
-- Name: plan_settings plan_settings_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plan_settings
    ADD CONSTRAINT plan_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: products products_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: sessions sessions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: sessions sessions_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES public.users(tenant_id, id);


--
-- Name: tier_custom_values tier_custom_values_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_custom_values
    ADD CONSTRAINT tier_custom_values_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: tier_custom_values tier_custom_values_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_custom_values
    ADD CONSTRAINT tier_custom_values_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: tier_history tier_history_tenant_id_actor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_history
    ADD CONSTRAINT tier_history_tenant_id_actor_id_fkey FOREIGN KEY (tenant_id, actor_id) REFERENCES public.users(tenant_id, id);


--
-- Name: tier_history tier_history_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_history
    ADD CONSTRAINT tier_history_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: tier_history tier_history_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_history
    ADD CONSTRAINT tier_history_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: tier_policies tier_policies_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_policies
    ADD CONSTRAINT tier_policies_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: tier_requirements tier_requirements_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_requirements
    ADD CONSTRAINT tier_requirements_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: tier_requirements tier_requirements_tenant_id_tier_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tier_requirements
    ADD CONSTRAINT tier_requirements_tenant_id_tier_code_fkey FOREIGN KEY (tenant_id, tier_code) REFERENCES public.tiers(tenant_id, code) ON DELETE CASCADE;


--
-- Name: tiers tiers_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tiers
    ADD CONSTRAINT tiers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: users users_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: users users_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.partners(tenant_id, id);


--
-- Name: vocabulary_entries vocabulary_entries_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vocabulary_entries
    ADD CONSTRAINT vocabulary_entries_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: agreement_acceptances; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.agreement_acceptances ENABLE ROW LEVEL SECURITY;

--
-- Name: agreements; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.agreements ENABLE ROW LEVEL SECURITY;

--
-- Name: application_notes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.application_notes ENABLE ROW LEVEL SECURITY;

--
-- Name: applications; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.applications ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_log; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.audit_log ENABLE ROW LEVEL SECURITY;

--
-- Name: business_plan_comments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.business_plan_comments ENABLE ROW LEVEL SECURITY;

--
-- Name: business_plan_objectives; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.business_plan_objectives ENABLE ROW LEVEL SECURITY;

--
-- Name: business_plan_versions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.business_plan_versions ENABLE ROW LEVEL SECURITY;

--
-- Name: business_plans; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.business_plans ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_assessments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_assessments ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_categories; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_categories ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_due_notices; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_due_notices ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_goals; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_goals ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_questionnaires; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_questionnaires ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_questions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_questions ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_settings; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_tasks; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: capability_topics; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.capability_topics ENABLE ROW LEVEL SECURITY;

--
-- Name: certification_files; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.certification_files ENABLE ROW LEVEL SECURITY;

--
-- Name: certification_types; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.certification_types ENABLE ROW LEVEL SECURITY;

--
-- Name: certifications; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.certifications ENABLE ROW LEVEL SECURITY;

--
-- Name: customer_name_words; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.customer_name_words ENABLE ROW LEVEL SECURITY;

--
-- Name: deal_counts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.deal_counts ENABLE ROW LEVEL SECURITY;

--
-- Name: deal_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.deal_events ENABLE ROW LEVEL SECURITY;

--
-- Name: deal_policies; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.deal_policies ENABLE ROW LEVEL SECURITY;

--
-- Name: deals; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.deals ENABLE ROW LEVEL SECURITY;

--
-- Name: ideal_profiles; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ideal_profiles ENABLE ROW LEVEL SECURITY;

--
-- Name: invitations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.invitations ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_activities; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_activities ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_activity_types; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_activity_types ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_allocations; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_allocations ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_attachment_contents; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_attachment_contents ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_attachments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_attachments ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_claim_lines; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_claim_lines ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_claims; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_claims ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_funds; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_funds ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_ledger; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_ledger ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_payments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_payments ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_plans; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_plans ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_request_deals; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_request_deals ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_request_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_request_events ENABLE ROW LEVEL SECURITY;

--
-- Name: mdf_requests; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.mdf_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: named_accounts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.named_accounts ENABLE ROW LEVEL SECURITY;

--
-- Name: onboarding_items; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.onboarding_items ENABLE ROW LEVEL SECURITY;

--
-- Name: onboarding_template_items; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.onboarding_template_items ENABLE ROW LEVEL SECURITY;

--
-- Name: outbox; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.outbox ENABLE ROW LEVEL SECURITY;

--
-- Name: partner_standings; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.partner_standings ENABLE ROW LEVEL SECURITY;

--
-- Name: partners; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.partners ENABLE ROW LEVEL SECURITY;

--
-- Name: plan_settings; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.plan_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: products; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.products ENABLE ROW LEVEL SECURITY;

--
-- Name: sessions; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: agreement_acceptances tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.agreement_acceptances USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: agreements tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.agreements USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: application_notes tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.application_notes USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: applications tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.applications USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: audit_log tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.audit_log USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: business_plan_comments tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.business_plan_comments USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: business_plan_objectives tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.business_plan_objectives USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: business_plan_versions tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.business_plan_versions USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: business_plans tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.business_plans USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_assessments tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_assessments USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_categories tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_categories USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_due_notices tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_due_notices USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_goals tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_goals USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_questionnaires tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_questionnaires USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_questions tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_questions USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_settings tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_settings USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_tasks tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_tasks USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: capability_topics tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.capability_topics USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: certification_files tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.certification_files USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: certification_types tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.certification_types USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: certifications tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.certifications USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: customer_name_words tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.customer_name_words USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: deal_counts tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.deal_counts USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: deal_events tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.deal_events USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: deal_policies tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.deal_policies USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: deals tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.deals USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: ideal_profiles tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.ideal_profiles USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: invitations tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.invitations USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_activities tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_activities USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_activity_types tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_activity_types USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_allocations tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_allocations USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_attachment_contents tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_attachment_contents USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_attachments tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_attachments USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_claim_lines tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_claim_lines USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_claims tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_claims USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_funds tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_funds USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_ledger tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_ledger USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_payments tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_payments USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_plans tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_plans USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_request_deals tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_request_deals USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_request_events tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_request_events USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: mdf_requests tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.mdf_requests USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: named_accounts tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.named_accounts USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: onboarding_items tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.onboarding_items USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: onboarding_template_items tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.onboarding_template_items USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: outbox tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.outbox USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: partner_standings tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.partner_standings USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: partners tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.partners USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: plan_settings tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.plan_settings USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: products tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.products USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: sessions tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.sessions USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: tier_custom_values tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tier_custom_values USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: tier_history tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tier_history USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: tier_policies tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tier_policies USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: tier_requirements tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tier_requirements USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: tiers tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.tiers USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: users tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.users USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: vocabulary_entries tenant_isolation; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenant_isolation ON public.vocabulary_entries USING ((tenant_id = public.app_current_tenant())) WITH CHECK ((tenant_id = public.app_current_tenant()));


--
-- Name: tier_custom_values; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tier_custom_values ENABLE ROW LEVEL SECURITY;

--
-- Name: tier_history; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tier_history ENABLE ROW LEVEL SECURITY;

--
-- Name: tier_policies; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tier_policies ENABLE ROW LEVEL SECURITY;

--
-- Name: tier_requirements; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tier_requirements ENABLE ROW LEVEL SECURITY;

--
-- Name: tiers; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tiers ENABLE ROW LEVEL SECURITY;

--
-- Name: users; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;

--
-- Name: vocabulary_entries; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.vocabulary_entries ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO tributary_app;


--
-- Name: FUNCTION app_set_tenant_time_zone(zone text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.app_set_tenant_time_zone(zone text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.app_set_tenant_time_zone(zone text) TO tributary_app;


--
-- Name: TABLE agreement_acceptances; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.agreement_acceptances TO tributary_app;


--
-- Name: TABLE agreements; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.agreements TO tributary_app;


--
-- Name: TABLE application_notes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.application_notes TO tributary_app;


--
-- Name: TABLE applications; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.applications TO tributary_app;


--
-- Name: TABLE audit_log; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.audit_log TO tributary_app;


--
-- Name: TABLE business_plan_comments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.business_plan_comments TO tributary_app;


--
-- Name: TABLE business_plan_objectives; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.business_plan_objectives TO tributary_app;


--
-- Name: TABLE business_plan_versions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.business_plan_versions TO tributary_app;


--
-- Name: TABLE business_plans; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.business_plans TO tributary_app;


--
-- Name: TABLE capability_assessments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_assessments TO tributary_app;


--
-- Name: TABLE capability_categories; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_categories TO tributary_app;


--
-- Name: TABLE capability_due_notices; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_due_notices TO tributary_app;


--
-- Name: TABLE capability_goals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_goals TO tributary_app;


--
-- Name: TABLE capability_questionnaires; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_questionnaires TO tributary_app;


--
-- Name: TABLE capability_questions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_questions TO tributary_app;


--
-- Name: TABLE capability_settings; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_settings TO tributary_app;


--
-- Name: TABLE capability_tasks; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_tasks TO tributary_app;


--
-- Name: TABLE capability_topics; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.capability_topics TO tributary_app;


--
-- Name: TABLE certification_files; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.certification_files TO tributary_app;


--
-- Name: TABLE certification_types; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.certification_types TO tributary_app;


--
-- Name: TABLE certifications; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.certifications TO tributary_app;


--
-- Name: TABLE customer_name_words; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.customer_name_words TO tributary_app;


--
-- Name: TABLE deal_counts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.deal_counts TO tributary_app;


--
-- Name: TABLE deal_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.deal_events TO tributary_app;


--
-- Name: TABLE deal_policies; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.deal_policies TO tributary_app;


--
-- Name: TABLE deals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.deals TO tributary_app;


--
-- Name: TABLE ideal_profiles; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.ideal_profiles TO tributary_app;


--
-- Name: TABLE invitations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.invitations TO tributary_app;


--
-- Name: TABLE login_failures; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.login_failures TO tributary_app;


--
-- Name: TABLE mdf_activities; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_activities TO tributary_app;


--
-- Name: TABLE mdf_activity_types; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_activity_types TO tributary_app;


--
-- Name: TABLE mdf_allocations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_allocations TO tributary_app;


--
-- Name: TABLE mdf_attachment_contents; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_attachment_contents TO tributary_app;


--
-- Name: TABLE mdf_attachments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_attachments TO tributary_app;


--
-- Name: TABLE mdf_claim_lines; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_claim_lines TO tributary_app;


--
-- Name: TABLE mdf_claims; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_claims TO tributary_app;


--
-- Name: TABLE mdf_funds; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_funds TO tributary_app;


--
-- Name: TABLE mdf_ledger; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.mdf_ledger TO tributary_app;


--
-- Name: SEQUENCE mdf_ledger_seq_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.mdf_ledger_seq_seq TO tributary_app;


--
-- Name: TABLE mdf_payments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_payments TO tributary_app;


--
-- Name: TABLE mdf_plans; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_plans TO tributary_app;


--
-- Name: TABLE mdf_request_deals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_request_deals TO tributary_app;


--
-- Name: TABLE mdf_request_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_request_events TO tributary_app;


--
-- Name: TABLE mdf_requests; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.mdf_requests TO tributary_app;


--
-- Name: TABLE name_key_version; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.name_key_version TO tributary_app;


--
-- Name: TABLE named_accounts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.named_accounts TO tributary_app;


--
-- Name: TABLE onboarding_items; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.onboarding_items TO tributary_app;


--
-- Name: TABLE onboarding_template_items; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.onboarding_template_items TO tributary_app;


--
-- Name: TABLE outbox; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.outbox TO tributary_app;


--
-- Name: TABLE partner_standings; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.partner_standings TO tributary_app;


--
-- Name: TABLE partners; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.partners TO tributary_app;


--
-- Name: TABLE plan_settings; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.plan_settings TO tributary_app;


--
-- Name: TABLE products; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.products TO tributary_app;


--
-- Name: TABLE public_submissions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.public_submissions TO tributary_app;


--
-- Name: TABLE sessions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.sessions TO tributary_app;


--
-- Name: TABLE tenants; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.tenants TO tributary_app;


--
-- Name: TABLE tier_custom_values; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tier_custom_values TO tributary_app;


--
-- Name: TABLE tier_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.tier_history TO tributary_app;


--
-- Name: SEQUENCE tier_history_seq_seq; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,USAGE ON SEQUENCE public.tier_history_seq_seq TO tributary_app;


--
-- Name: TABLE tier_policies; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tier_policies TO tributary_app;


--
-- Name: TABLE tier_requirements; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tier_requirements TO tributary_app;


--
-- Name: TABLE tiers; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.tiers TO tributary_app;


--
-- Name: TABLE users; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.users TO tributary_app;


--
-- Name: TABLE vocabulary_entries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.vocabulary_entries TO tributary_app;


--
-- Name: DEFAULT PRIVILEGES FOR SEQUENCES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT,USAGE ON SEQUENCES  TO tributary_app;


--
-- Name: DEFAULT PRIVILEGES FOR TABLES; Type: DEFAULT ACL; Schema: public; Owner: -
--

ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT,INSERT,DELETE,UPDATE ON TABLES  TO tributary_app;


--
-- PostgreSQL database dump complete
--
