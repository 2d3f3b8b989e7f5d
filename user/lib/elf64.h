// Minimal ELF64 definitions for zc user space (the loader and the vDSO resolver).
// Our own names (zc_elf64_*) so nothing clashes with a host <elf.h>.
#ifndef ZC_USER_ELF64_H
#define ZC_USER_ELF64_H

#include <stdint.h>

#define ZC_EI_NIDENT  16
#define ZC_ELFMAG     "\177ELF"
#define ZC_ELFCLASS64 2
#define ZC_ELFDATA2LSB 1
#define ZC_EV_CURRENT 1
#define ZC_ET_EXEC    2
#define ZC_ET_DYN     3
#define ZC_EM_X86_64  62

#define ZC_PT_NULL    0
#define ZC_PT_LOAD    1
#define ZC_PT_DYNAMIC 2

#define ZC_PF_X 1u
#define ZC_PF_W 2u
#define ZC_PF_R 4u

#define ZC_DT_NULL   0
#define ZC_DT_HASH   4
#define ZC_DT_STRTAB 5
#define ZC_DT_SYMTAB 6
#define ZC_DT_RELA   7
#define ZC_DT_RELASZ 8
#define ZC_DT_STRSZ  10
#define ZC_DT_SYMENT 11

#define ZC_SHN_UNDEF 0
#define ZC_STT_FUNC   2
#define ZC_STT_OBJECT 1
#define ZC_ELF64_ST_TYPE(info) ((info) & 0xf)

struct zc_elf64_ehdr {
    unsigned char e_ident[ZC_EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct zc_elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct zc_elf64_dyn {
    int64_t d_tag;
    uint64_t d_val;  // d_val or d_ptr
};

struct zc_elf64_rela {
    uint64_t r_offset;
    uint64_t r_info;  // symbol << 32 | type
    int64_t r_addend;
};
#define ZC_R_X86_64_RELATIVE 8
#define ZC_ELF64_R_TYPE(info) ((uint32_t)(info))

struct zc_elf64_sym {
    uint32_t st_name;
    unsigned char st_info;
    unsigned char st_other;
    uint16_t st_shndx;
    uint64_t st_value;
    uint64_t st_size;
};

_Static_assert(sizeof(struct zc_elf64_ehdr) == 64, "Elf64_Ehdr layout");
_Static_assert(sizeof(struct zc_elf64_phdr) == 56, "Elf64_Phdr layout");
_Static_assert(sizeof(struct zc_elf64_dyn) == 16, "Elf64_Dyn layout");
_Static_assert(sizeof(struct zc_elf64_sym) == 24, "Elf64_Sym layout");

// The System V ELF hash (DT_HASH buckets).
static inline uint32_t zc_elf_sysv_hash(const char *name) {
    uint32_t h = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h = (h << 4) + *p;
        uint32_t g = h & 0xf0000000u;
        if (g)
            h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

#endif
