//! mixed: path, query and JSON body validated together, every failing part reported at once.

use axum::{Json, extract::RawQuery, http::StatusCode};
use serde::{Deserialize, Serialize};

use crate::common::{
    body::{JsonBytes, decode_json},
    error::{ApiError, Issue, Segment},
    params::{self, Check, Params},
    path::PathParams,
};

#[derive(Deserialize)]
pub struct NewPost {
    title: String,
    body: String,
    tags: Vec<String>,
}

#[derive(Serialize)]
pub struct Post {
    user_id: i64,
    published: bool,
    title: String,
    body: String,
    tags: Vec<String>,
}

/// `POST /api/v1/users/{id}/posts?publish=true` with `{"title","body","tags"}` → 201.
pub async fn create_post(
    PathParams(id): PathParams<String>,
    RawQuery(query): RawQuery,
    JsonBytes(body): JsonBytes,
) -> Result<(StatusCode, Json<Post>), ApiError> {
    let mut check = Check::default();
    let user_id = check.param("id", &id, params::digits(1, i32::MAX.into()));
    let query = Params::parse(query.as_deref().unwrap_or("").as_bytes());
    let published = check
        .optional(&query, "publish", params::boolean)
        .unwrap_or(false);
    // A malformed body is a 400 whatever else is wrong; one that does not fit is one more issue.
    let post = match decode_json::<NewPost>(&body) {
        Ok(post) => post,
        Err(ApiError::Validation(issues)) => {
            check.extend(issues);
            return Err(ApiError::Validation(check.into_issues()));
        }
        Err(malformed) => return Err(malformed),
    };
    check_lengths(&mut check, &post);
    check.finish()?;
    let NewPost { title, body, tags } = post;
    Ok((
        StatusCode::CREATED,
        Json(Post {
            user_id,
            published,
            title,
            body,
            tags,
        }),
    ))
}

/// title 1…200, body 1…10,000 and each of at most 10 tags 1…32 code points.
fn check_lengths(check: &mut Check, post: &NewPost) {
    let within = |text: &str, max: usize| (1..=max).contains(&text.chars().count());
    if !within(&post.title, 200) {
        check.fail("title", "expected 1 to 200 characters");
    }
    if !within(&post.body, 10_000) {
        check.fail("body", "expected 1 to 10000 characters");
    }
    if post.tags.len() > 10 {
        check.fail("tags", "at most 10 tags");
    }
    for (index, tag) in post.tags.iter().enumerate() {
        if !within(tag, 32) {
            check.push(Issue {
                path: vec![Segment::Key("tags".to_owned()), Segment::Index(index)],
                message: "expected 1 to 32 characters".to_owned(),
            });
        }
    }
}
