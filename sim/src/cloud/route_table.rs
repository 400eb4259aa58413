//! The routes as a table: every (method, path) the cloud serves is
//! recorded as it is registered, so that openapi_tests/ can hold the
//! OpenAPI document (docs/openapi.json) against what the router really
//! serves, both ways. The route files (api.rs, pins/routes.rs, admin.rs)
//! register through [`Routes`] and nothing else.

use super::state::Cloud;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{delete, get, post, put};
use axum::Router;
use std::sync::Arc;

/// A router and the list of what it serves.
pub(super) struct Routes {
    router: Router<Arc<Cloud>>,
    table: Vec<(Method, &'static str)>,
}

impl Routes {
    pub(super) fn new() -> Self {
        Self {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// `GET path` (axum answers `HEAD` with it too).
    pub(super) fn get<H: Handler<T, Arc<Cloud>>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, |r| r.route(path, get(handler)))
    }

    /// `POST path`.
    pub(super) fn post<H: Handler<T, Arc<Cloud>>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, |r| r.route(path, post(handler)))
    }

    /// `PUT path`.
    pub(super) fn put<H: Handler<T, Arc<Cloud>>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, |r| r.route(path, put(handler)))
    }

    /// `DELETE path`.
    pub(super) fn delete<H: Handler<T, Arc<Cloud>>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::DELETE, path, |r| r.route(path, delete(handler)))
    }

    /// Both sets of routes (axum merges the methods of one path).
    pub(super) fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// The router, and what it serves.
    pub(super) fn into_parts(self) -> (Router<Arc<Cloud>>, Vec<(Method, &'static str)>) {
        (self.router, self.table)
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        route: impl FnOnce(Router<Arc<Cloud>>) -> Router<Arc<Cloud>>,
    ) -> Self {
        self.router = route(self.router);
        self.table.push((method, path));
        self
    }
}
