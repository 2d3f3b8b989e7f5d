// zc user library: status names for messages (our own table over <zircon/errors.h>).
#include <zircon/errors.h>
#include <zircon/types.h>

#include "launch.h"

#define S(x) \
    case x:  \
        return #x

const char *zc_status_name(zx_status_t status) {
    switch (status) {
        S(ZX_OK);
        S(ZX_ERR_INTERNAL);
        S(ZX_ERR_NOT_SUPPORTED);
        S(ZX_ERR_NO_RESOURCES);
        S(ZX_ERR_NO_MEMORY);
        S(ZX_ERR_INTERNAL_INTR_RETRY);
        S(ZX_ERR_INVALID_ARGS);
        S(ZX_ERR_BAD_HANDLE);
        S(ZX_ERR_WRONG_TYPE);
        S(ZX_ERR_BAD_SYSCALL);
        S(ZX_ERR_OUT_OF_RANGE);
        S(ZX_ERR_BUFFER_TOO_SMALL);
        S(ZX_ERR_BAD_STATE);
        S(ZX_ERR_TIMED_OUT);
        S(ZX_ERR_SHOULD_WAIT);
        S(ZX_ERR_CANCELED);
        S(ZX_ERR_PEER_CLOSED);
        S(ZX_ERR_NOT_FOUND);
        S(ZX_ERR_ALREADY_EXISTS);
        S(ZX_ERR_ALREADY_BOUND);
        S(ZX_ERR_UNAVAILABLE);
        S(ZX_ERR_ACCESS_DENIED);
        S(ZX_ERR_IO);
        S(ZX_ERR_IO_REFUSED);
        S(ZX_ERR_IO_DATA_INTEGRITY);
        S(ZX_ERR_IO_DATA_LOSS);
        S(ZX_ERR_IO_NOT_PRESENT);
        S(ZX_ERR_IO_OVERRUN);
        S(ZX_ERR_IO_MISSED_DEADLINE);
        S(ZX_ERR_IO_INVALID);
        S(ZX_ERR_BAD_PATH);
        S(ZX_ERR_NOT_DIR);
        S(ZX_ERR_NOT_FILE);
        S(ZX_ERR_FILE_BIG);
        S(ZX_ERR_NO_SPACE);
        S(ZX_ERR_NOT_EMPTY);
        S(ZX_ERR_STOP);
        S(ZX_ERR_NEXT);
        S(ZX_ERR_ASYNC);
        S(ZX_ERR_PROTOCOL_NOT_SUPPORTED);
        S(ZX_ERR_ADDRESS_UNREACHABLE);
        S(ZX_ERR_ADDRESS_IN_USE);
        S(ZX_ERR_NOT_CONNECTED);
        S(ZX_ERR_CONNECTION_REFUSED);
        S(ZX_ERR_CONNECTION_RESET);
        S(ZX_ERR_CONNECTION_ABORTED);
        S(ZX_ERR_INTERNAL_INTR_KILLED);
    default:
        return "ZX_ERR_<unknown>";
    }
}
