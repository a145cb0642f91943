//! path: parameters extracted (percent-decoded; `%2F` stays inside its segment), converted,
//! validated and echoed typed.

use axum::Json;
use serde::Serialize;

use crate::common::{
    error::ApiError,
    params::{self, Check, Rule},
    path::PathParams,
};

/// Every string segment: 1…256 code points.
fn segment() -> impl Rule<String> {
    params::string(1, 256)
}

#[derive(Serialize)]
pub struct Simple {
    id: String,
}

/// `GET /path/simple/{id}`
pub async fn simple(PathParams(id): PathParams<String>) -> Result<Json<Simple>, ApiError> {
    let mut check = Check::default();
    let id = check.param("id", &id, segment());
    check.finish()?;
    Ok(Json(Simple { id }))
}

#[derive(Serialize)]
pub struct Multiple {
    user_id: String,
    post_id: String,
}

/// `GET /path/multiple/{user_id}/{post_id}`
pub async fn multiple(
    PathParams((user_id, post_id)): PathParams<(String, String)>,
) -> Result<Json<Multiple>, ApiError> {
    let mut check = Check::default();
    let user_id = check.param("user_id", &user_id, segment());
    let post_id = check.param("post_id", &post_id, segment());
    check.finish()?;
    Ok(Json(Multiple { user_id, post_id }))
}

#[derive(Serialize)]
pub struct Deep {
    org: String,
    team: String,
    project: String,
    resource: String,
    id: String,
}

/// `GET /path/deep/{org}/{team}/{project}/{resource}/{id}`
pub async fn deep(
    PathParams((org, team, project, resource, id)): PathParams<(
        String,
        String,
        String,
        String,
        String,
    )>,
) -> Result<Json<Deep>, ApiError> {
    let mut check = Check::default();
    let org = check.param("org", &org, segment());
    let team = check.param("team", &team, segment());
    let project = check.param("project", &project, segment());
    let resource = check.param("resource", &resource, segment());
    let id = check.param("id", &id, segment());
    check.finish()?;
    Ok(Json(Deep {
        org,
        team,
        project,
        resource,
        id,
    }))
}

#[derive(Serialize)]
pub struct Int {
    n: i64,
}

/// `GET /path/int/{n}`: digits only, 0…2,147,483,647.
pub async fn int(PathParams(n): PathParams<String>) -> Result<Json<Int>, ApiError> {
    let mut check = Check::default();
    let n = check.param("n", &n, params::digits(0, i32::MAX.into()));
    check.finish()?;
    Ok(Json(Int { n }))
}

#[derive(Serialize)]
pub struct Uuid {
    uuid: String,
}

/// `GET /path/uuid/{uuid}`: strictly 8-4-4-4-12 hex, echoed in lowercase.
pub async fn uuid(PathParams(text): PathParams<String>) -> Result<Json<Uuid>, ApiError> {
    let mut check = Check::default();
    let uuid = check.param("uuid", &text, params::uuid);
    check.finish()?;
    Ok(Json(Uuid { uuid }))
}

#[derive(Serialize)]
pub struct Date {
    date: String,
}

/// `GET /path/date/{date}`: a real calendar date `YYYY-MM-DD`.
pub async fn date(PathParams(text): PathParams<String>) -> Result<Json<Date>, ApiError> {
    let mut check = Check::default();
    let date = check.param("date", &text, params::date);
    check.finish()?;
    Ok(Json(Date { date }))
}
