//! Resident memory after start-up. Start-up runs code once that serving never runs again
//! (migrations, seeding, building the schema and the API description), and the kernel
//! maps an executable's pages in large runs around each page touched, so a replica
//! would sit idle with most of its machine code resident for nothing. Once it is ready,
//! the executable's read-only mappings are handed back to the kernel (`MADV_PAGEOUT`);
//! the code requests run comes back on its first use. Clean file pages only: nothing is
//! written anywhere, and a page another process maps too is left alone by the kernel.

/// Advises the kernel to reclaim the executable's resident code and read-only data.
/// Best effort: an older kernel without `MADV_PAGEOUT`, or any other refusal, leaves
/// memory as it was.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub fn release_start_up_pages() {
    let released = executable_mappings()
        .into_iter()
        .filter(|(start, end)| {
            // SAFETY: the range is one of this process's own read-only file mappings,
            // whole pages as the kernel listed them; MADV_PAGEOUT only drops clean pages,
            // which fault back in unchanged on their next use.
            let advised = unsafe {
                libc::madvise(*start as *mut libc::c_void, end - start, libc::MADV_PAGEOUT)
            };
            advised == 0
        })
        .map(|(start, end)| end - start)
        .sum::<usize>();
    tracing::debug!(
        mapped_kib = released / 1024,
        "start-up code pages handed back"
    );
}

#[cfg(not(target_os = "linux"))]
pub fn release_start_up_pages() {}

/// The read-only mappings of this process's executable, from `/proc/self/maps`.
#[cfg(target_os = "linux")]
fn executable_mappings() -> Vec<(usize, usize)> {
    let (Ok(exe), Ok(maps)) = (
        std::fs::read_link("/proc/self/exe"),
        std::fs::read_to_string("/proc/self/maps"),
    ) else {
        return Vec::new();
    };
    let exe = exe.to_string_lossy();
    maps.lines()
        .filter_map(|line| read_only_of(line, &exe))
        .collect()
}

/// A maps line's address range when it is a read-only mapping of `exe`:
/// `start-end perms offset dev inode path`.
#[cfg(target_os = "linux")]
fn read_only_of(line: &str, exe: &str) -> Option<(usize, usize)> {
    let mut fields = line.split_whitespace();
    let range = fields.next()?;
    let perms = fields.next()?;
    let path = fields.nth(3)?;
    if path != exe || perms.contains('w') {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    Some((
        usize::from_str_radix(start, 16).ok()?,
        usize::from_str_radix(end, 16).ok()?,
    ))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::read_only_of;

    #[test]
    fn only_read_only_mappings_of_the_executable_are_taken() {
        let exe = "/srv/cemr-api";
        assert_eq!(
            read_only_of("5600-7600 r-xp 00001000 fd:01 42 /srv/cemr-api", exe),
            Some((0x5600, 0x7600))
        );
        assert_eq!(
            read_only_of("7600-7700 rw-p 00003000 fd:01 42 /srv/cemr-api", exe),
            None,
            "written data stays"
        );
        assert_eq!(
            read_only_of("7f00-7f10 r-xp 00000000 fd:01 7 /usr/lib/libc.so.6", exe),
            None
        );
        assert_eq!(read_only_of("7f20-7f30 rw-p 00000000 00:00 0", exe), None);
    }
}
