package dev.meridian.core.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Other members' usage entries: which are counted, at what value, and which are refused. */
class PeerUsageEntriesTest {
  private static final long NOW = 1_700_000_030_000L;
  private static final long MINUTE = NOW / 60_000;
  private static final long DAY = BudgetPeriod.DAY.periodId(NOW);
  private static final ClientKey TEAM =
      new ClientKey("team", "0".repeat(64), Set.of("*"), 100, 10_000, 2.0, BudgetPeriod.DAY, 0, 0);
  private static final ClientKey UNLIMITED =
      new ClientKey("free", "1".repeat(64), Set.of("*"), 0, 0, 0, BudgetPeriod.DAY, 0, 0);
  private static final Function<String, ClientKey> KEYS =
      name -> name.equals("team") ? TEAM : name.equals("free") ? UNLIMITED : null;

  private static String id(String template) {
    return template.replace("MIN", Long.toString(MINUTE)).replace("DAY", Long.toString(DAY));
  }

  @ParameterizedTest(name = "{0} = {1} counts as {2}")
  @CsvSource({
    "team|r|MIN, 40, 40",
    "team|r|MIN, 1000000, 100",           // no node admits more than the key's limit
    "team|a|MIN, 1000000, 100",
    "team|h|MIN, 1, 1",
    "team|t|MIN, 999999999, 20000",       // tokens overshoot by what is in flight: twice the limit
    "team|$day|DAY, 999999999999, 4000000", // micro-dollars, twice the budget
    "free|r|MIN, 123456, 123456",         // no limit, nothing to cap at
  })
  void entriesWithinBoundsCountAndLargerOnesAreCapped(String counter, long value, long counted) {
    PeerUsageEntries.Checked checked = PeerUsageEntries.check(id(counter), value, KEYS, NOW);
    assertThat(checked.accepted()).isTrue();
    assertThat(checked.value()).isEqualTo(counted);
  }

  @ParameterizedTest(name = "{0} = {1} is refused")
  @CsvSource({
    "ghost|r|MIN, 1",       // no such key
    "team|x|MIN, 1",        // no such counter
    "team|r, 1",
    "team|r|MIN|extra, 1",
    "team|r|soon, 1",
    "team|r|0, 1",          // a minute long gone
    "team|a|99999999999, 1",
    "team|h|MIN, 2",
    "team|r|MIN, -1",
    "team|$day|0, 1",
    "team|$week|DAY, 1",
  })
  void malformedOrOutOfPeriodEntriesAreRefused(String counter, long value) {
    assertThat(PeerUsageEntries.check(id(counter), value, KEYS, NOW).accepted()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"hungry", "1.5"})
  void valuesThatAreNotWholeNumbersAreRefused(String raw) {
    Object value = raw.contains(".") ? (Object) Double.valueOf(raw) : raw;
    assertThat(PeerUsageEntries.check(id("team|r|MIN"), value, KEYS, NOW).accepted()).isFalse();
    assertThat(PeerUsageEntries.check(id("team|r|MIN"), 7, KEYS, NOW).accepted()).as("an int is not a count either").isFalse();
  }
}
