//! What every generated open enum shares: the type holding a value the spec does not list, and
//! the conversions and serde impls (by macro, since they are impls of foreign traits).

use std::fmt;

/// A value of an open enum that the spec does not list (yet), as the hub sent it.
///
/// Only decoding and `From<&str>` make one, and only for values that are not listed, so a listed
/// value is always its typed variant and `match` on the variants is exhaustive for them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as the hub spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The generated enums' constructor of a value they do not list (through
    /// `crate::__private`); not part of the API.
    #[doc(hidden)]
    pub fn new(value: String) -> UnknownValue {
        UnknownValue(value)
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The impls of an open enum `$name` that has `fn as_str(&self) -> &str`, `fn known(&str) ->
/// Option<Self>` and an `Unknown(UnknownValue)` variant: `From<&str>`, `From<String>`,
/// `FromStr`, `Display`, `AsRef<str>`, and serde as the plain string.
#[doc(hidden)]
#[macro_export]
macro_rules! __d360_partner_impl_open_enum {
    ($name:ident) => {
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| {
                    Self::Unknown($crate::__private::UnknownValue::new(value.to_owned()))
                })
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value)
                    .unwrap_or_else(|| Self::Unknown($crate::__private::UnknownValue::new(value)))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::std::string::String = ::serde::Deserialize::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }
    };
}
