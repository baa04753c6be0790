/*
 * commands.h — the subcommands of SPEC §1. Each takes the arguments after
 * the subcommand's name (argv[0] is the name), prints its own output and
 * errors, and returns the exit status (0, 1 or 2).
 */
#ifndef ECOMETER_COMMANDS_H
#define ECOMETER_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_scale(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_ecometric(int argc, char **argv);
int cmd_reciprocity(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_mediate(int argc, char **argv);
int cmd_did(int argc, char **argv);
int cmd_funnel(int argc, char **argv);
int cmd_moran(int argc, char **argv);

#endif
