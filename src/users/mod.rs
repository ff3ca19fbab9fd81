//! Users of a tenant: inviting (or creating with a password), listing, deactivating, and accepting invitations.

pub mod api;
pub mod invitations;
pub mod pages;
pub mod profile;
pub mod store;

use crate::AppState;
use crate::auth::{CurrentUser, Role, password};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, violates};
use crate::ids::UserId;
use crate::{outbox, validate};
use store::{NewUser, UserRow};

/// What a program admin or partner admin fills in to add a user. Strings, so that every field can be checked and
/// reported at once.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    #[serde(default)]
    #[schema(required = true, format = Email)]
    pub email: String,
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// program_admin, channel_chief, cam, partner_admin or partner_user.
    #[serde(default)]
    #[schema(required = true, value_type = crate::auth::Role)]
    pub role: String,
    /// Required for partner roles; a partner admin's own org is used when omitted.
    #[serde(default)]
    pub partner_id: Option<String>,
    /// Without a password, the user gets an invitation email with a set-password link.
    #[serde(default)]
    pub password: Option<String>,
}

/// Adds a user on behalf of `actor`. Returns the user and whether an invitation email went out.
///
/// A partner admin sees only their own organisation, so they must not learn whether an address is taken elsewhere in
/// the tenant: for such an address they get the answer a new user gets, nothing is created, and the address's owner
/// is told by email that someone tried to add them.
pub async fn create(
    tx: &mut Tx,
    actor: &CurrentUser,
    state: &AppState,
    input: UserInput,
) -> Result<(UserRow, bool), Error> {
    let mut errors = FieldErrors::new();
    let email = validate::email(&mut errors, "email", &input.email);
    let name = validate::text(&mut errors, "name", &input.name, 200);
    let role = Role::parse(input.role.trim());
    let mut partner_id = validate::optional_id(&mut errors, "partner_id", input.partner_id.as_deref());
    match role {
        None => errors.add("role", "Choose a role: program_admin, channel_chief, cam, partner_admin or partner_user."),
        Some(role) if actor.role == Role::PartnerAdmin => {
            if !role.is_partner() {
                errors.add("role", "You can add partner admins and partner users only.");
            }
            if partner_id.is_some_and(|p| Some(p) != actor.partner_id) {
                errors.add("partner_id", "You can add users to your own organisation only.");
            }
            partner_id = actor.partner_id;
        }
        Some(role) if role.is_partner() => {
            if partner_id.is_none() && !errors.0.contains_key("partner_id") {
                errors.add("partner_id", "Choose the partner this user belongs to.");
            }
        }
        Some(_) => {
            if partner_id.is_some() {
                errors.add("partner_id", "Only partner admins and partner users belong to a partner.");
            }
        }
    }
    if let Some(p) = partner_id {
        if !store::partner_exists(tx, p).await? {
            errors.add("partner_id", "There is no such partner.");
        }
    }
    let password = input.password.filter(|p| !p.is_empty());
    if let Some(problem) = password.as_deref().and_then(password::problems) {
        errors.add("password", problem);
    }
    errors.into_result()?;
    let role = role.expect("validated above");

    let password_hash = match password {
        Some(p) => Some(state.hashing.hash(p).await?),
        None => None,
    };
    let invited = password_hash.is_none();
    if actor.role == Role::PartnerAdmin {
        let owner = store::email_owner(tx, &email).await?;
        if owner.is_some_and(|partner| partner != actor.partner_id) {
            return Ok((taken_elsewhere(tx, actor, &email, &name, role, invited).await?, invited));
        }
    }
    let inserted = store::insert(
        tx,
        NewUser { tenant_id: actor.tenant_id, email: &email, name: &name, role, partner_id, password_hash },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if violates(&e, "users_tenant_id_email_key") => {
            return Err(Error::invalid("email", "A user with this email address already exists."));
        }
        Err(e) => return Err(e.into()),
    };
    if invited {
        invitations::invite(tx, actor, id, &email, &name, &state.base_url).await?;
    }
    let user = store::get(tx, id, None).await?.ok_or(Error::NotFound)?;
    Ok((user, invited))
}

/// What a partner admin is answered for an address taken outside their organisation: the user they would have
/// added, as if created (an id that leads nowhere). The address's owner hears of the attempt.
async fn taken_elsewhere(
    tx: &mut Tx,
    actor: &CurrentUser,
    email: &str,
    name: &str,
    role: Role,
    invited: bool,
) -> Result<UserRow, Error> {
    let subject = format!("Someone tried to add you to {} on Tributary", actor.tenant_name);
    let when = outbox::time_for(tx, email, chrono::Utc::now()).await?;
    let body = format!(
        "Hello,\n\n{} tried to add this email address to their organisation in the {} partner portal on {when}. It \
         already has an account there, so nothing was changed.\n\nIf you expected this, ask your channel manager to \
         move your account. Otherwise you need not do anything.\n",
        actor.name, actor.tenant_name,
    );
    outbox::enqueue(tx, actor.tenant_id, email, &subject, &body).await?;
    let partner_name = match actor.partner_id {
        Some(p) => store::partner_name(tx, p).await?,
        None => None,
    };
    Ok(UserRow {
        id: UserId::new(),
        email: email.to_string(),
        name: name.to_string(),
        role,
        partner_id: actor.partner_id,
        partner_name,
        active: true,
        has_password: !invited,
        created_at: chrono::Utc::now(),
    })
}

/// Deactivates a user the actor may manage; their tokens stop working at once.
pub async fn deactivate(tx: &mut Tx, actor: &CurrentUser, id: UserId) -> Result<(), Error> {
    let scope = if actor.role == Role::PartnerAdmin { actor.partner_id } else { None };
    store::get(tx, id, scope).await?.ok_or(Error::NotFound)?;
    if id == actor.id {
        return Err(Error::Conflict("You cannot deactivate yourself.".into()));
    }
    store::deactivate(tx, id).await?;
    Ok(())
}

/// How a user's account stands, as a label and badge colour.
pub fn status_of(u: &UserRow) -> (&'static str, &'static str) {
    match (u.active, u.has_password) {
        (false, _) => ("Deactivated", "badge-red"),
        (true, false) => ("Invited", "badge-yellow"),
        (true, true) => ("Active", "badge-green"),
    }
}
