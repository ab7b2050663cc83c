// libedit's readline-compatible API. Always the editline header, never GNU readline's.
#include <stdio.h>
#include <editline/readline.h>

// Swift 6 rejects reading or writing mutable C globals: wrap the ones we need.
static inline void rec_set_completion_function(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline const char *rec_line_buffer(void) { return rl_line_buffer; }
static inline int rec_history_length(void) { return history_length; }
static inline void rec_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void rec_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
// rec reads the keys itself (so that Ctrl-C can end a read from any thread) and handles no signal
// through libedit; both must be set before libedit initialises (the first readline or history call).
static inline void rec_set_getc_function(int (*f)(FILE *)) { rl_getc_function = f; }
static inline void rec_set_catch_signals(int v) { rl_catch_signals = v; }
// Words for completion end at spaces, quotes, brackets, commas, colons and operators, but not
// at '.', '/' or '-' (members and paths complete as a whole: "split.tr", "ml-100k/pl").
static inline void rec_use_word_breaks(void) {
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(+*,[]):";
    rl_completer_word_break_characters = (char *)" \t\n\"'`@$><=;|&{(+*,[]):";
}
