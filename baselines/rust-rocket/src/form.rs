//! form: urlencoded bodies (≤ 1 MiB) through Rocket's `Form<T>`, validated by the same value
//! types as query strings.

use rocket::form::FromForm;
use rocket::post;
use rocket::serde::json::Json;
use serde::Serialize;

use crate::body::FormBody;
use crate::error::ApiError;
use crate::values::{
    Bool, Country, Email, Int, Language, Nullable, Phone, Scalar, Text, Username, Website, at_most,
    keywords,
};

keywords!(ContactMethod {
    Email = "email",
    Phone = "phone",
    Post = "post",
});

/// 4 fields.
#[derive(FromForm, Serialize)]
pub struct Simple {
    username: Scalar<Username>,
    email: Scalar<Email>,
    age: Scalar<Int<13, 130>>,
    #[field(default = Scalar(Bool(false)))]
    newsletter: Scalar<Bool>,
}

/// 18 fields, repeated keys for the lists.
#[derive(FromForm, Serialize)]
pub struct Complex {
    first_name: Scalar<Text<1, 100>>,
    last_name: Scalar<Text<1, 100>>,
    email: Scalar<Email>,
    phone: Scalar<Phone>,
    age: Scalar<Int<13, 130>>,
    country: Scalar<Country>,
    city: Scalar<Text<1, 100>>,
    postcode: Scalar<Text<1, 16>>,
    company: Scalar<Nullable<Text<1, 100>>>,
    job_title: Scalar<Nullable<Text<1, 100>>>,
    website: Scalar<Nullable<Website>>,
    bio: Scalar<Nullable<Text<0, 1000>>>,
    #[field(validate = at_most(20))]
    interests: Vec<Text<1, 64>>,
    #[field(validate = at_most(10))]
    languages: Vec<Language>,
    #[field(default = Scalar(Bool(false)))]
    newsletter: Scalar<Bool>,
    terms: Scalar<Bool>,
    contact_method: Scalar<ContactMethod>,
    experience_years: Scalar<Int<0, 80>>,
}

/// `POST /form/simple`
#[post("/form/simple", format = "form", data = "<form>")]
pub fn simple(form: Result<FormBody<Simple>, ApiError>) -> Result<Json<Simple>, ApiError> {
    Ok(Json(form?.0))
}

/// `POST /form/complex`
#[post("/form/complex", format = "form", data = "<form>")]
pub fn complex(form: Result<FormBody<Complex>, ApiError>) -> Result<Json<Complex>, ApiError> {
    Ok(Json(form?.0))
}

keywords!(
    /// The two form endpoints, as a path segment (anything else is not a route: 404).
    Variant { Simple = "simple", Complex = "complex" }
);

/// `POST /form/simple|complex` with any other `Content-Type` (or none).
#[post("/form/<_variant>", rank = 2)]
pub fn wrong_type(_variant: Variant) -> ApiError {
    ApiError::UnsupportedMediaType("application/x-www-form-urlencoded")
}
