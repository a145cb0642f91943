//! path: typed segments (`FromParam`), percent-decoded by Rocket (`%2F` stays inside its
//! segment). Each is taken as `Result<T, String>`, so a refused segment is the contract's 422
//! naming the parameter rather than a forward to the next route (and a 404).

use rocket::get;
use rocket::serde::json::Json;
use serde::Serialize;

use crate::error::{ApiError, refused, refused_all};
use crate::values::{Date, Digits, Text, Uuid};

/// Every string segment: 1…256 code points.
type Segment = Text<1, 256>;

#[derive(Serialize)]
pub struct Simple {
    id: Segment,
}

#[get("/path/simple/<id>")]
pub fn simple(id: Result<Segment, String>) -> Result<Json<Simple>, ApiError> {
    let id = id.map_err(refused("id"))?;
    Ok(Json(Simple { id }))
}

#[derive(Serialize)]
pub struct Multiple {
    user_id: Segment,
    post_id: Segment,
}

#[get("/path/multiple/<user_id>/<post_id>")]
pub fn multiple(
    user_id: Result<Segment, String>,
    post_id: Result<Segment, String>,
) -> Result<Json<Multiple>, ApiError> {
    match (user_id, post_id) {
        (Ok(user_id), Ok(post_id)) => Ok(Json(Multiple { user_id, post_id })),
        (user_id, post_id) => Err(refused_all([
            ("user_id", user_id.err()),
            ("post_id", post_id.err()),
        ])),
    }
}

#[derive(Serialize)]
pub struct Deep {
    org: Segment,
    team: Segment,
    project: Segment,
    resource: Segment,
    id: Segment,
}

#[get("/path/deep/<org>/<team>/<project>/<resource>/<id>")]
pub fn deep(
    org: Result<Segment, String>,
    team: Result<Segment, String>,
    project: Result<Segment, String>,
    resource: Result<Segment, String>,
    id: Result<Segment, String>,
) -> Result<Json<Deep>, ApiError> {
    match (org, team, project, resource, id) {
        (Ok(org), Ok(team), Ok(project), Ok(resource), Ok(id)) => Ok(Json(Deep {
            org,
            team,
            project,
            resource,
            id,
        })),
        (org, team, project, resource, id) => Err(refused_all([
            ("org", org.err()),
            ("team", team.err()),
            ("project", project.err()),
            ("resource", resource.err()),
            ("id", id.err()),
        ])),
    }
}

/// Digits only, 0…2,147,483,647.
type PathInt = Digits<0, { i32::MAX as i64 }>;

#[derive(Serialize)]
pub struct Int {
    n: PathInt,
}

#[get("/path/int/<n>")]
pub fn int(n: Result<PathInt, String>) -> Result<Json<Int>, ApiError> {
    let n = n.map_err(refused("n"))?;
    Ok(Json(Int { n }))
}

#[derive(Serialize)]
pub struct UuidEcho {
    uuid: Uuid,
}

/// Strictly 8-4-4-4-12 hex, echoed in lowercase.
#[get("/path/uuid/<uuid>")]
pub fn uuid(uuid: Result<Uuid, String>) -> Result<Json<UuidEcho>, ApiError> {
    let uuid = uuid.map_err(refused("uuid"))?;
    Ok(Json(UuidEcho { uuid }))
}

#[derive(Serialize)]
pub struct DateEcho {
    date: Date,
}

/// A real calendar date `YYYY-MM-DD`.
#[get("/path/date/<date>")]
pub fn date(date: Result<Date, String>) -> Result<Json<DateEcho>, ApiError> {
    let date = date.map_err(refused("date"))?;
    Ok(Json(DateEcho { date }))
}
