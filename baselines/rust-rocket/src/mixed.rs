//! mixed: path, query and JSON body validated together, every failing part reported at once.

use rocket::form::{self, FromForm};
use rocket::http::Status;
use rocket::post;
use rocket::serde::json::Json;
use serde::{Deserialize, Serialize};

use crate::body::JsonBody;
use crate::error::{ApiError, Issue, Segment, form_issues};
use crate::values::{Bool, Digits, Scalar};

type UserId = Digits<1, { i32::MAX as i64 }>;

#[derive(FromForm)]
pub struct Publish {
    #[field(default = Scalar(Bool(false)))]
    publish: Scalar<Bool>,
}

#[derive(Deserialize)]
pub struct NewPost {
    title: String,
    body: String,
    tags: Vec<String>,
}

#[derive(Serialize)]
pub struct Post {
    user_id: UserId,
    published: Bool,
    title: String,
    body: String,
    tags: Vec<String>,
}

/// `POST /api/v1/users/<id>/posts?publish=true` with `{"title","body","tags"}` → 201.
#[post("/api/v1/users/<id>/posts?<query..>", format = "json", data = "<body>")]
pub fn create_post(
    id: Result<UserId, String>,
    query: form::Result<'_, Publish>,
    body: Result<JsonBody<NewPost>, ApiError>,
) -> Result<(Status, Json<Post>), ApiError> {
    let mut issues = Vec::new();
    if let Err(message) = &id {
        issues.push(Issue::at("id", message.clone()));
    }
    if let Err(errors) = &query {
        issues.extend(form_issues(errors));
    }
    // A malformed body is a 400 whatever else is wrong; one that does not fit is one more issue.
    let post = match body {
        Ok(JsonBody(post)) => Some(post),
        Err(ApiError::Validation(schema)) => {
            issues.extend(schema);
            None
        }
        Err(refused) => return Err(refused),
    };
    if let Some(post) = &post {
        check_lengths(&mut issues, post);
    }
    match (id, query, post) {
        (Ok(user_id), Ok(query), Some(post)) if issues.is_empty() => Ok((
            Status::Created,
            Json(Post {
                user_id,
                published: query.publish.0,
                title: post.title,
                body: post.body,
                tags: post.tags,
            }),
        )),
        _ => Err(ApiError::Validation(issues)),
    }
}

/// title 1…200, body 1…10,000 and each of at most 10 tags 1…32 code points.
fn check_lengths(issues: &mut Vec<Issue>, post: &NewPost) {
    let within = |text: &str, max: usize| (1..=max).contains(&text.chars().count());
    if !within(&post.title, 200) {
        issues.push(Issue::at("title", "expected 1 to 200 characters"));
    }
    if !within(&post.body, 10_000) {
        issues.push(Issue::at("body", "expected 1 to 10000 characters"));
    }
    if post.tags.len() > 10 {
        issues.push(Issue::at("tags", "at most 10 tags"));
    }
    for (index, tag) in post.tags.iter().enumerate() {
        if !within(tag, 32) {
            issues.push(Issue {
                path: vec![Segment::Key("tags".to_owned()), Segment::Index(index)],
                message: "expected 1 to 32 characters".to_owned(),
            });
        }
    }
}

/// The same route with any other `Content-Type` (or none).
#[post("/api/v1/users/<_id>/posts", rank = 2)]
pub fn wrong_type(_id: &str) -> ApiError {
    ApiError::UnsupportedMediaType("application/json")
}
