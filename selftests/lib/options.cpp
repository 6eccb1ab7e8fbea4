// SPDX-License-Identifier: GPL-2.0-only
#include "options.hpp"

#include "cmdline.hpp"

#include <chrono>

namespace mmcid
{

Options parse_options(int argc, char **argv, const char *scenarios)
{
	Options o;
	CommandLine cl(std::string("scenarios: ") + scenarios);
	cl.real("duration", o.duration_s);
	cl.number("cycles", o.cycles);
	cl.number("threads", o.threads);
	cl.number("processes", o.processes, 0, 256);
	cl.number("seed", o.seed);
	cl.real("stall", o.stall_s);
	cl.number("spin", o.spin);
	cl.text("only", o.only);
	cl.real("heartbeat", o.heartbeat_s, 0, 3600);
	cl.flag("allow-lockup", o.allow_lockup);
	cl.flag("white-box", o.white_box);
	cl.text("plant", o.plant, {"unprotected"});
	cl.parse(argc, argv);
	if (!o.seed)
		o.seed = std::chrono::steady_clock::now().time_since_epoch().count();
	return o;
}

} // namespace mmcid
