using Agent.Specs.Utilities.Leftovers;


// After every other spec, one checks that no process the run started is still running (and kills any that is).
[assembly: TestFramework(LeftoverCheckFramework.TypeName, "Agent.Specs")]
