//! headroom: a quota inspector for Alibaba Cloud, Huawei Cloud and Open Telekom Cloud.
//!
//! Data flows one way: `config` (profiles) -> `providers` (signed queries over `http`) ->
//! `quota` (rows with a status) -> `output` (one renderer per format). Nothing in `output`
//! knows a provider; nothing in `providers` prints.

pub mod sign;
pub mod quota;
pub mod fake;
pub mod output;
