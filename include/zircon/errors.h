// zc public API: status codes (zx_status_t values). Values are Zircon's, bit for bit.
#ifndef ZIRCON_ERRORS_H_
#define ZIRCON_ERRORS_H_

// Success.
#define ZX_OK (0)

// General failures.
#define ZX_ERR_INTERNAL (-1)           // unspecified internal failure
#define ZX_ERR_NOT_SUPPORTED (-2)      // not implemented, supported or enabled
#define ZX_ERR_NO_RESOURCES (-3)       // some resource could not be allocated
#define ZX_ERR_NO_MEMORY (-4)          // memory could not be allocated
// -5 is unused.
#define ZX_ERR_INTERNAL_INTR_RETRY (-6)  // interrupted, retry; never seen outside the vDSO

// Parameter errors.
#define ZX_ERR_INVALID_ARGS (-10)      // an argument is invalid (e.g. a bad pointer)
#define ZX_ERR_BAD_HANDLE (-11)        // a handle value does not name a handle
#define ZX_ERR_WRONG_TYPE (-12)        // the object is of the wrong type for the call
#define ZX_ERR_BAD_SYSCALL (-13)       // no such syscall number
#define ZX_ERR_OUT_OF_RANGE (-14)      // an argument is outside the valid range
#define ZX_ERR_BUFFER_TOO_SMALL (-15)  // a caller buffer is too small

// Precondition or state errors.
#define ZX_ERR_BAD_STATE (-20)         // the object's state does not allow the call
#define ZX_ERR_TIMED_OUT (-21)         // the deadline passed first
#define ZX_ERR_SHOULD_WAIT (-22)       // try again once a signal says so
#define ZX_ERR_CANCELED (-23)          // an in-progress operation was canceled
#define ZX_ERR_PEER_CLOSED (-24)       // the other end is closed
#define ZX_ERR_NOT_FOUND (-25)         // the entity does not exist
#define ZX_ERR_ALREADY_EXISTS (-26)    // an entity with that identity exists already
#define ZX_ERR_ALREADY_BOUND (-27)     // owned or controlled by someone else for now
#define ZX_ERR_UNAVAILABLE (-28)       // cannot be done now; retry later

// Permission errors.
#define ZX_ERR_ACCESS_DENIED (-30)     // the caller lacks a needed right

// Input/output errors.
#define ZX_ERR_IO (-40)
#define ZX_ERR_IO_REFUSED (-41)
#define ZX_ERR_IO_DATA_INTEGRITY (-42)
#define ZX_ERR_IO_DATA_LOSS (-43)
#define ZX_ERR_IO_NOT_PRESENT (-44)
#define ZX_ERR_IO_OVERRUN (-45)
#define ZX_ERR_IO_MISSED_DEADLINE (-46)
#define ZX_ERR_IO_INVALID (-47)

// Filesystem errors.
#define ZX_ERR_BAD_PATH (-50)
#define ZX_ERR_NOT_DIR (-51)
#define ZX_ERR_NOT_FILE (-52)
#define ZX_ERR_FILE_BIG (-53)
#define ZX_ERR_NO_SPACE (-54)
#define ZX_ERR_NOT_EMPTY (-55)

// Flow control values for callbacks; never returned by a syscall.
#define ZX_ERR_STOP (-60)
#define ZX_ERR_NEXT (-61)
#define ZX_ERR_ASYNC (-62)

// Network errors.
#define ZX_ERR_PROTOCOL_NOT_SUPPORTED (-70)
#define ZX_ERR_ADDRESS_UNREACHABLE (-71)
#define ZX_ERR_ADDRESS_IN_USE (-72)
#define ZX_ERR_NOT_CONNECTED (-73)
#define ZX_ERR_CONNECTION_REFUSED (-74)
#define ZX_ERR_CONNECTION_RESET (-75)
#define ZX_ERR_CONNECTION_ABORTED (-76)

// The task was killed during the call; never seen outside the vDSO.
#define ZX_ERR_INTERNAL_INTR_KILLED (-502)

#endif  // ZIRCON_ERRORS_H_
