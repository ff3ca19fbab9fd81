//! Pages of partner standing: the partner's "Your tier", the program admin's tier settings, and the standing block
//! on a partner's page for staff.

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
