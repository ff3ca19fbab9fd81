-- Capability scorecards: the program's versioned questionnaire (categories → topics → questions, each scored question's
-- choices carrying points), the partners' assessments per quarter with their answers and, once submitted, the scores
-- the rule computed (kept on the row so that peers, trends and the chief's growth view read one row per partner), the
-- goals per topic and the action plan's tasks, the tenant's bands, and the due notices the job sent (one per partner
-- and half year). Topics keep a code across versions, so trends and peers compare like with like.
CREATE TABLE capability_settings (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    -- The audit trigger names rows by an id.
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    -- red below `yellow_from`, yellow below `green_from`, green from there.
    yellow_from integer NOT NULL DEFAULT 50,
    green_from integer NOT NULL DEFAULT 75,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id),
    CHECK (1 < yellow_from AND yellow_from < green_from AND green_from <= 100)
);

CREATE TABLE capability_questionnaires (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    -- The document it was installed from, as the admin edits it.
    document jsonb NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, version),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

CREATE TABLE capability_categories (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    questionnaire_id uuid NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, questionnaire_id, position),
    UNIQUE (tenant_id, questionnaire_id, code),
    FOREIGN KEY (tenant_id, questionnaire_id) REFERENCES capability_questionnaires (tenant_id, id)
);

CREATE TABLE capability_topics (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    category_id uuid NOT NULL,
    questionnaire_id uuid NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    -- The task proposed when the topic scores among a partner's lowest.
    recommendation text NOT NULL CHECK (length(btrim(recommendation)) BETWEEN 1 AND 200),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, category_id, position),
    UNIQUE (tenant_id, questionnaire_id, code),
    FOREIGN KEY (tenant_id, category_id) REFERENCES capability_categories (tenant_id, id),
    FOREIGN KEY (tenant_id, questionnaire_id) REFERENCES capability_questionnaires (tenant_id, id)
);

CREATE TABLE capability_questions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    topic_id uuid NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    text text NOT NULL CHECK (length(btrim(text)) BETWEEN 1 AND 300),
    kind text NOT NULL CHECK (kind IN ('single', 'multi', 'text')),
    -- [{"label": text, "points": integer}], empty for text questions.
    choices jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(choices) = 'array'),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, topic_id, position),
    FOREIGN KEY (tenant_id, topic_id) REFERENCES capability_topics (tenant_id, id),
    CHECK ((kind = 'text') = (jsonb_array_length(choices) = 0))
);

CREATE TABLE capability_assessments (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    questionnaire_id uuid NOT NULL,
    -- The first day of the quarter it assesses.
    period_start date NOT NULL CHECK (extract(day FROM period_start) = 1
                                      AND extract(month FROM period_start) IN (1, 4, 7, 10)),
    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted')),
    -- {"<question id>": {"choices": [index, ...], "text": "..."}}
    answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
    -- Set on submission: 1–100.
    overall_score numeric(5, 2) CHECK (overall_score BETWEEN 1 AND 100),
    -- {"<category code>": score}, {"<topic code>": score}
    category_scores jsonb NOT NULL DEFAULT '{}',
    topic_scores jsonb NOT NULL DEFAULT '{}',
    created_by uuid NOT NULL,
    submitted_by uuid,
    submitted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, period_start),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, questionnaire_id) REFERENCES capability_questionnaires (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, submitted_by) REFERENCES users (tenant_id, id),
    CHECK ((state = 'submitted') = (submitted_at IS NOT NULL AND overall_score IS NOT NULL))
);
-- The latest submitted assessment of each partner (scorecards, peers, tiers, homes).
CREATE INDEX capability_assessments_submitted_idx ON capability_assessments (tenant_id, partner_id, period_start DESC)
    INCLUDE (overall_score) WHERE state = 'submitted';

CREATE TABLE capability_goals (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    topic_code text NOT NULL CHECK (topic_code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    target_score integer NOT NULL CHECK (target_score BETWEEN 1 AND 100),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, topic_code),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

CREATE TABLE capability_tasks (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    goal_id uuid,
    topic_code text NOT NULL CHECK (topic_code ~ '^[a-z0-9][a-z0-9_]{0,39}$'),
    title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('recommended', 'not_started', 'in_progress', 'done')),
    due_on date,
    -- None for the tasks the scorecard recommended.
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id),
    FOREIGN KEY (tenant_id, goal_id) REFERENCES capability_goals (tenant_id, id) ON DELETE SET NULL (goal_id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX capability_tasks_partner_idx ON capability_tasks (tenant_id, partner_id, topic_code);

-- "An assessment is due": sent once per partner and half year, whatever runs concurrently.
CREATE TABLE capability_due_notices (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    partner_id uuid NOT NULL,
    half_start date NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, half_start),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES partners (tenant_id, id)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['capability_settings', 'capability_questionnaires', 'capability_categories',
                             'capability_topics', 'capability_questions', 'capability_assessments', 'capability_goals',
                             'capability_tasks', 'capability_due_notices']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        -- A questionnaire version is audited as its row (its document); its parts are written once with it.
        IF t NOT IN ('capability_categories', 'capability_topics', 'capability_questions') THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                           'FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t || '_audit', t);
        END IF;
    END LOOP;
END
$$;

-- Installs a questionnaire document as the tenant's next version; the caller has checked the document
-- (`capability::validate_document`). Returns the new version's id.
CREATE FUNCTION app_capability_install(p_tenant uuid, p_doc jsonb, p_by uuid) RETURNS uuid
    LANGUAGE plpgsql AS $$
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

-- The default questionnaire: six categories, twenty topics and sixty questions from the seeds' channel practice.
CREATE FUNCTION app_capability_default_document() RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $json$ SELECT $doc${"categories": [{"code": "sales", "name": "Sales capability", "topics": [{"code": "sales_team", "name": "Sales team and coverage", "recommendation": "Hire or assign a dedicated seller for our solutions", "questions": [{"text": "How is your sales team for our solutions organised?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How many of your sellers have closed a deal with our solutions this year?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Describe your sales team: headcount, territories and who owns our solutions.", "kind": "text", "choices": []}]}, {"code": "pipeline", "name": "Pipeline management", "recommendation": "Review the pipeline with your CAM every month", "questions": [{"text": "How do you manage the pipeline for our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review the pipeline with your CAM?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which pipeline practices do you use?", "kind": "multi", "choices": [{"label": "Deals registered before the first meeting", "points": 1}, {"label": "Stages with exit criteria", "points": 1}, {"label": "Forecast by close date", "points": 1}, {"label": "Win/loss reviews", "points": 1}]}]}, {"code": "sales_process", "name": "Sales process and methodology", "recommendation": "Adopt a qualification method for every opportunity", "questions": [{"text": "Do you follow a sales methodology for our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do sellers use our sales plays?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "What does your sales process include?", "kind": "multi", "choices": [{"label": "Qualification checklist", "points": 1}, {"label": "Discovery template", "points": 1}, {"label": "Demo or proof of concept", "points": 1}, {"label": "Mutual close plan", "points": 1}]}]}, {"code": "sales_enablement", "name": "Sales enablement and certification", "recommendation": "Certify two more sellers this quarter", "questions": [{"text": "How do you train sellers on our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your sellers hold our sales certification?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Which enablement do your sellers use?", "kind": "multi", "choices": [{"label": "Vendor sales training", "points": 1}, {"label": "Battle cards", "points": 1}, {"label": "Objection handling guides", "points": 1}, {"label": "Ride-alongs with the vendor team", "points": 1}]}]}]}, {"code": "marketing", "name": "Marketing and demand generation", "topics": [{"code": "marketing_plan", "name": "Marketing plan", "recommendation": "Write a quarterly joint marketing plan", "questions": [{"text": "Do you have a marketing plan that includes our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you run campaigns featuring our solutions?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Describe your marketing plan for our solutions this year.", "kind": "text", "choices": []}]}, {"code": "demand_generation", "name": "Demand generation", "recommendation": "Run one MDF-funded campaign with a lead waterfall forecast", "questions": [{"text": "How do you generate leads for our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your new pipeline comes from your own marketing?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Which demand generation channels do you use?", "kind": "multi", "choices": [{"label": "Email campaigns", "points": 1}, {"label": "Events and webinars", "points": 1}, {"label": "Paid digital advertising", "points": 1}, {"label": "Content and SEO", "points": 1}]}]}, {"code": "lead_management", "name": "Lead follow-up and tracking", "recommendation": "Follow up every vendor lead within two business days", "questions": [{"text": "How do you follow up leads from us and from campaigns?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you report lead outcomes back to us?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "What do you track for leads?", "kind": "multi", "choices": [{"label": "Time to first contact", "points": 1}, {"label": "Lead source", "points": 1}, {"label": "Conversion to opportunity", "points": 1}, {"label": "Campaign ROI", "points": 1}]}]}]}, {"code": "technical", "name": "Technical and services capability", "topics": [{"code": "presales", "name": "Pre-sales engineering", "recommendation": "Train a pre-sales engineer on our demo environment", "questions": [{"text": "How capable is your pre-sales team on our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your opportunities get a technical demo?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "What pre-sales assets do you have?", "kind": "multi", "choices": [{"label": "Own demo environment", "points": 1}, {"label": "Reference architectures", "points": 1}, {"label": "Proof-of-concept playbook", "points": 1}, {"label": "Technical certification", "points": 1}]}]}, {"code": "implementation", "name": "Implementation services", "recommendation": "Build a standard implementation package", "questions": [{"text": "How do you deliver implementations of our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your deals include your implementation services?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Describe your implementation methodology and typical project length.", "kind": "text", "choices": []}]}, {"code": "support", "name": "Support and maintenance", "recommendation": "Offer a support contract with response-time commitments", "questions": [{"text": "How do you support customers after go-live?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review support cases with us?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which support capabilities do you have?", "kind": "multi", "choices": [{"label": "Help desk with ticketing", "points": 1}, {"label": "Response-time commitments", "points": 1}, {"label": "Escalation path to the vendor", "points": 1}, {"label": "Out-of-hours cover", "points": 1}]}]}, {"code": "services_practice", "name": "Services practice and offerings", "recommendation": "Package a managed service around our solutions", "questions": [{"text": "Do you sell your own services around our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your revenue with us is services?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Which services do you offer?", "kind": "multi", "choices": [{"label": "Assessments and audits", "points": 1}, {"label": "Integration", "points": 1}, {"label": "Managed services", "points": 1}, {"label": "Training for customers", "points": 1}]}]}]}, {"code": "customer_success", "name": "Customer success", "topics": [{"code": "onboarding_customers", "name": "Customer onboarding", "recommendation": "Run a 30-60-90 onboarding plan for each new customer", "questions": [{"text": "How do you onboard new customers?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How many new customers complete onboarding on plan?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "What does your customer onboarding include?", "kind": "multi", "choices": [{"label": "Kick-off meeting", "points": 1}, {"label": "Success plan with goals", "points": 1}, {"label": "Admin training", "points": 1}, {"label": "Adoption check at 90 days", "points": 1}]}]}, {"code": "retention", "name": "Retention and renewals", "recommendation": "Track renewals 120 days ahead", "questions": [{"text": "How do you manage renewals?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review accounts due for renewal?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Describe how you keep customers and handle churn risk.", "kind": "text", "choices": []}]}, {"code": "expansion", "name": "Expansion and cross-sell", "recommendation": "Run an account review with each top-ten customer", "questions": [{"text": "How do you grow existing accounts?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you hold business reviews with customers?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which expansion practices do you use?", "kind": "multi", "choices": [{"label": "Account plans", "points": 1}, {"label": "Usage reviews", "points": 1}, {"label": "Cross-sell campaigns", "points": 1}, {"label": "Customer references", "points": 1}]}]}]}, {"code": "operations", "name": "Business operations and management", "topics": [{"code": "business_planning", "name": "Business planning", "recommendation": "Agree a joint business plan with targets", "questions": [{"text": "Do you plan your business with our solutions?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often does management review results against plan?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "What does your plan cover?", "kind": "multi", "choices": [{"label": "Revenue targets", "points": 1}, {"label": "Investment in people", "points": 1}, {"label": "Marketing budget", "points": 1}, {"label": "Profit forecast", "points": 1}]}]}, {"code": "financial_health", "name": "Financial health", "recommendation": "Share credit and financial information with us", "questions": [{"text": "How do you manage the finances of the practice?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you review the profitability of our line?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Describe your financial position and any constraints on growth.", "kind": "text", "choices": []}]}, {"code": "systems", "name": "Systems and reporting", "recommendation": "Connect your CRM to the partner portal", "questions": [{"text": "How do your systems support the partnership?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you update deal status in our portal?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which systems do you use?", "kind": "multi", "choices": [{"label": "CRM", "points": 1}, {"label": "Quoting tool", "points": 1}, {"label": "Professional services automation", "points": 1}, {"label": "Reporting dashboards", "points": 1}]}]}]}, {"code": "alignment", "name": "Vendor relationship and alignment", "topics": [{"code": "executive_sponsorship", "name": "Executive sponsorship", "recommendation": "Name an executive sponsor and meet quarterly", "questions": [{"text": "How involved is your leadership in our partnership?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do your executives meet ours?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Who sponsors the partnership, and what do they expect from it?", "kind": "text", "choices": []}]}, {"code": "program_engagement", "name": "Program engagement", "recommendation": "Use the portal's deal registration and MDF every quarter", "questions": [{"text": "How actively do you use our partner program?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "How often do you take part in our program events?", "kind": "single", "choices": [{"label": "Never", "points": 0}, {"label": "Yearly", "points": 1}, {"label": "Quarterly", "points": 2}, {"label": "Monthly or more often", "points": 3}]}, {"text": "Which program benefits do you use?", "kind": "multi", "choices": [{"label": "Deal registration", "points": 1}, {"label": "MDF", "points": 1}, {"label": "Partner portal training", "points": 1}, {"label": "Co-selling with our sales team", "points": 1}]}]}, {"code": "strategic_fit", "name": "Strategic fit and focus", "recommendation": "Agree a joint value proposition", "questions": [{"text": "How central are our solutions to your strategy?", "kind": "single", "choices": [{"label": "Not in place", "points": 0}, {"label": "Ad hoc, depends on individuals", "points": 1}, {"label": "Defined and mostly followed", "points": 2}, {"label": "Defined, measured and improved", "points": 3}]}, {"text": "What share of your revenue comes from our solutions?", "kind": "single", "choices": [{"label": "None of them", "points": 0}, {"label": "Under a quarter", "points": 1}, {"label": "A quarter to a half", "points": 2}, {"label": "More than half", "points": 3}]}, {"text": "Where do our solutions fit?", "kind": "multi", "choices": [{"label": "Target industries match", "points": 1}, {"label": "Target company sizes match", "points": 1}, {"label": "Complementary products", "points": 1}, {"label": "No competing lines", "points": 1}]}]}]}]}$doc$::jsonb $json$;

CREATE FUNCTION app_seed_capability(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM capability_questionnaires WHERE tenant_id = p_tenant) THEN
        PERFORM app_capability_install(p_tenant, app_capability_default_document(), NULL);
    END IF;
END
$$;
CREATE FUNCTION app_seed_capability_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM app_seed_capability(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_seed_capability AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION app_seed_capability_trigger();
ALTER TABLE capability_questionnaires DISABLE TRIGGER capability_questionnaires_audit;
SELECT app_seed_capability(id) FROM tenants;
ALTER TABLE capability_questionnaires ENABLE TRIGGER capability_questionnaires_audit;
