// Register-level loops for the thread-state and suspension tests (declared in util.h). They are
// entered directly by zx_thread_start with rdi = arg1, rsi = arg2 and never return.
__asm__(
    ".text\n"
    ".globl asm_store_rsi_loop\n"
    ".type asm_store_rsi_loop, @function\n"
    "asm_store_rsi_loop:\n"
    "    movq %rsi, (%rdi)\n"  // what it computes depends only on rsi
    "    pause\n"
    "    jmp asm_store_rsi_loop\n"
    ".globl asm_store_rsi_loop_end\n"
    "asm_store_rsi_loop_end:\n"
    "    ud2\n"
    ".size asm_store_rsi_loop, . - asm_store_rsi_loop\n"
    ".globl asm_count_loop\n"
    ".type asm_count_loop, @function\n"
    "asm_count_loop:\n"
    "    lock incq (%rdi)\n"
    "    jmp asm_count_loop\n"
    ".size asm_count_loop, . - asm_count_loop\n");
