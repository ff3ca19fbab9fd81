//! A request's own page (`/mdf/requests/{id}`).

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
