//! API enums of accounts and API tokens.

api_enum! {
    /// What a caller may do.
    pub enum Role for crate::auth::Role, stored {
        /// SKR's administrators: read and write everything.
        Admin = Admin,
        /// A member organisation (municipality or region): writes its own records.
        Member = Member,
        /// A researcher: enters and reads study data.
        Researcher = Researcher,
    }
}

api_enum! {
    /// What an API token may do.
    pub enum TokenScope for crate::auth::TokenScope, stored {
        /// Read what the token's role may read.
        Read = Read,
        /// Also write what the token's role may write.
        Write = Write,
    }
}
