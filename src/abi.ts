// The numbers the wasm module and this wrapper agree on. They mirror assembly/layout.ts (the
// source of truth, with diagrams); test/abi.test.ts checks that the two agree.

/** Address of the control block, and byte offsets of its fields. */
export const ROOT = 64;
export const R_SECRET = 4;
export const R_HEAP_START = 8;
export const R_TAIL = 12;
export const R_MAX_PAGES = 16;
export const R_USED = 20;
export const R_PEAK = 24;
export const R_LIVE = 28;
export const R_FAULT_CODE = 40;
export const R_FAULT_ADDR = 44;
export const R_GENERATION = 48;
export const R_FL_MAP = 52;
export const R_FLAGS = 56;
export const R_FAULT_INFO = 60;
export const R_SL_MAP = 64;
export const FL_COUNT = 25;
export const SL_COUNT = 32;
export const R_HEADS = R_SL_MAP + 4 * FL_COUNT;

/** Block header size and the offset of a free block's `next` link. */
export const HEADER = 8;
export const B_NEXT = 12;
export const TAGS = 7;
/** Largest request the module accepts. */
export const MAX_REQUEST = 0x7fff0000;
export const MAX_ALIGN = 65536;
export const PAGE = 65536;
/** R_FLAGS bit: the heap was made by the debug build. */
export const FLAG_DEBUG = 1;

/** Status codes (see layout.ts). */
export const E_OOM = 0;
export const E_NOT_A_BLOCK = 1;
export const E_DOUBLE_FREE = 2;
export const E_NEIGHBOUR = 3;
export const E_CANARY = 4;
export const E_POISON = 5;
export const E_RANGE = 6;
export const E_ARGUMENT = 7;
export const C_BAD_CHECK = 16;
export const C_BAD_SIZE = 17;
export const C_LEFTFREE = 18;
export const C_ADJACENT_FREE = 19;
export const C_BACK = 20;
export const C_TAIL = 21;
export const C_LIST = 22;
export const C_BITMAP = 23;
export const C_COUNTS = 24;
export const C_ROOT = 25;
