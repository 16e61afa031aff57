// Open MPI's handles are macros over the addresses of its globals, which Swift cannot import;
// these functions hand them over.
#include <mpi.h>

static inline MPI_Comm mc_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype mc_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype mc_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype mc_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype mc_byte(void) { return MPI_BYTE; }
static inline MPI_Op mc_sum(void) { return MPI_SUM; }
static inline MPI_Request mc_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Errhandler mc_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Status *mc_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *mc_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
