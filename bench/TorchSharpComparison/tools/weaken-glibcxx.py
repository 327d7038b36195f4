#!/usr/bin/env python3
"""Mark a symbol-version requirement WEAK in ELF64 shared objects, so that they load where that version is missing.

TorchSharp 0.107's libLibTorchSharp.so is linked against GCC 13's libstdc++ and asks for GLIBCXX_3.4.32, which
Debian 12's libstdc++ (GCC 12, up to GLIBCXX_3.4.30) lacks; the dynamic loader then refuses it with
"version `GLIBCXX_3.4.32' not found". The library uses that version for a single symbol,
std::ios_base_library_init() (which GCC 13 references from every translation unit including <iostream> to pull
in the stream initializer, and never calls). Setting VER_FLG_WEAK in the Vernaux entry of that version makes glibc's
loader accept the library when the version is absent (it then only warns under LD_DEBUG); the symbol itself is
bound lazily and never called.

The script parses ELF64 properly (header, section headers, the SHT_GNU_verneed section and its string table, the
Verneed/Vernaux chains) and writes only the two flag bytes of each matching Vernaux entry. It is idempotent
(an entry already weak is left alone) and leaves files that do not reference the version untouched, without
reading more than their headers. A file that is a symlink or has other hard links is copied before it is patched,
so that the NuGet cache is never modified. The file's modification time is preserved, so MSBuild's incremental
copy does not overwrite the patched copy on every build.

usage: weaken-glibcxx.py [--version GLIBCXX_3.4.32] [--quiet] PATH...   (PATH: a .so file or a directory to scan)
Exit code 0 on success (including "nothing to do"), 1 if a file is a malformed ELF64 object.
"""

import argparse
import os
import shutil
import stat
import struct
import sys
import tempfile

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2
SHN_XINDEX = 0xFFFF
ELFCLASS64 = 2
ELFDATA2LSB, ELFDATA2MSB = 1, 2


class ElfError(Exception):
    pass


def _read_at(f, offset, size):
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise ElfError(f"truncated: wanted {size} bytes at offset {offset}")
    return data


def _c_string(table, offset):
    if offset >= len(table):
        raise ElfError(f"string offset {offset} outside the string table ({len(table)} bytes)")
    end = table.find(b"\0", offset)
    if end < 0:
        raise ElfError("unterminated string in the string table")
    return table[offset:end].decode("ascii", "replace")


def find_entries(f, version):
    """Returns [(file offset of vna_flags, current flags, needed file name)] for every Vernaux entry named version.
    Returns None when the file is not an ELF64 object (nothing to do)."""
    ident = f.read(16)
    if len(ident) < 16 or ident[:4] != b"\x7fELF":
        return None
    if ident[4] != ELFCLASS64:
        return None
    if ident[5] == ELFDATA2LSB:
        e = "<"
    elif ident[5] == ELFDATA2MSB:
        e = ">"
    else:
        raise ElfError(f"unknown data encoding {ident[5]}")

    # Elf64_Ehdr after e_ident: e_type H, e_machine H, e_version I, e_entry Q, e_phoff Q, e_shoff Q, e_flags I,
    # e_ehsize H, e_phentsize H, e_phnum H, e_shentsize H, e_shnum H, e_shstrndx H  (48 bytes)
    (_, _, _, _, _, e_shoff, _, _, _, _, e_shentsize, e_shnum, _) = struct.unpack(e + "HHIQQQIHHHHHH", _read_at(f, 16, 48))
    if e_shoff == 0:
        return []  # no section headers: nothing we can (or need to) patch
    if e_shentsize < 64:
        raise ElfError(f"section header entries of {e_shentsize} bytes (expected 64)")
    if e_shnum == 0:  # more than SHN_LORESERVE sections: the count is in section 0's sh_size
        e_shnum = struct.unpack(e + "IIQQQQIIQQ", _read_at(f, e_shoff, 64))[5]
    file_size = os.fstat(f.fileno()).st_size
    if e_shoff + e_shnum * e_shentsize > file_size:
        raise ElfError("the section header table runs past the end of the file")

    # Elf64_Shdr: sh_name I, sh_type I, sh_flags Q, sh_addr Q, sh_offset Q, sh_size Q, sh_link I, sh_info I,
    # sh_addralign Q, sh_entsize Q  (64 bytes)
    raw = _read_at(f, e_shoff, e_shnum * e_shentsize)
    sections = [struct.unpack_from(e + "IIQQQQIIQQ", raw, i * e_shentsize) for i in range(e_shnum)]

    found = []
    for sh in sections:
        if sh[1] != SHT_GNU_VERNEED:
            continue
        offset, size, link, count = sh[4], sh[5], sh[6], sh[7]
        if offset + size > file_size:
            raise ElfError(".gnu.version_r runs past the end of the file")
        if link >= len(sections):
            raise ElfError(f".gnu.version_r links to section {link}, which does not exist")
        strtab = sections[link]
        if strtab[4] + strtab[5] > file_size:
            raise ElfError(".dynstr runs past the end of the file")
        strings = _read_at(f, strtab[4], strtab[5])
        data = _read_at(f, offset, size)

        # Elf64_Verneed: vn_version H, vn_cnt H, vn_file I, vn_aux I, vn_next I  (16 bytes)
        # Elf64_Vernaux: vna_hash I, vna_flags H, vna_other H, vna_name I, vna_next I  (16 bytes)
        vn = 0
        seen = 0
        while True:
            if vn + 16 > size:
                raise ElfError("a Verneed entry runs past the end of .gnu.version_r")
            vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from(e + "HHIII", data, vn)
            if vn_version != 1:
                raise ElfError(f"Verneed version {vn_version} (expected 1)")
            needed = _c_string(strings, vn_file)
            aux = vn + vn_aux
            for _ in range(vn_cnt):
                if aux + 16 > size:
                    raise ElfError("a Vernaux entry runs past the end of .gnu.version_r")
                _, vna_flags, _, vna_name, vna_next = struct.unpack_from(e + "IHHII", data, aux)
                if _c_string(strings, vna_name) == version:
                    found.append((offset + aux + 4, vna_flags, needed))
                if vna_next == 0:
                    break
                aux += vna_next
            seen += 1
            if vn_next == 0 or (count and seen >= count):
                break
            vn += vn_next
    return found


def _break_links(path):
    """Replaces a symlink or a multiply-linked file by a private copy (same mode and times)."""
    st = os.lstat(path)
    if not stat.S_ISLNK(st.st_mode) and st.st_nlink <= 1:
        return
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".weaken-", dir=directory)
    os.close(fd)
    try:
        shutil.copy2(path, temp)  # follows a symlink: copies the content
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def patch(path, version, quiet):
    """Returns the number of entries newly marked weak. Raises ElfError on a malformed file."""
    with open(path, "rb") as f:
        entries = find_entries(f, version)
    if not entries:
        return 0
    todo = [(pos, flags, needed) for pos, flags, needed in entries if not flags & VER_FLG_WEAK]
    if not todo:
        if not quiet:
            print(f"weaken-glibcxx: {path}: {version} already weak")
        return 0
    st = os.stat(path)
    _break_links(path)
    endian = "<"
    with open(path, "rb") as f:
        if f.read(6)[5] == ELFDATA2MSB:
            endian = ">"
    with open(path, "r+b") as f:
        for pos, flags, needed in todo:
            f.seek(pos)
            f.write(struct.pack(endian + "H", flags | VER_FLG_WEAK))
            if not quiet:
                print(f"weaken-glibcxx: {path}: {version} (from {needed}) marked weak")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    return len(todo)


def candidates(path):
    if os.path.isfile(path):
        yield path
        return
    for root, _, files in os.walk(path):
        for name in sorted(files):
            if name.endswith(".so") or ".so." in name:
                yield os.path.join(root, name)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="GLIBCXX_3.4.32", help="the version requirement to weaken")
    parser.add_argument("--quiet", action="store_true", help="print nothing unless something is wrong")
    parser.add_argument("paths", nargs="+", help=".so files or directories to scan")
    args = parser.parse_args(argv)
    failed = False
    patched = 0
    for root in args.paths:
        if not os.path.exists(root):
            continue  # e.g. no runtimes/ folder in this layout
        for path in candidates(root):
            try:
                patched += patch(path, args.version, args.quiet)
            except (ElfError, struct.error) as error:
                print(f"weaken-glibcxx: error: {path}: {error}", file=sys.stderr)
                failed = True
    if not args.quiet:
        print(f"weaken-glibcxx: {patched} requirement(s) marked weak")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
