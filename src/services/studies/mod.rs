//! Follow-up studies: public reads (studies, questions, quotes, seminars, findings),
//! restricted reads (participants and interviews: researchers and admins only, checked
//! here so no path reaches them unchecked), protected statistics, and researchers' writes.

pub mod reads;
pub mod recording;
pub mod statistics;
