package dev.meridian.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml loads without errors and sends the access log through a non-blocking queue. */
class LogbackConfigTest {
  @Test
  void theShippedConfigurationLoadsAndTheAccessLogIsAsynchronousAndNeverBlocks() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getClassLoader().getResource("logback.xml"));
    assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(status -> status.getLevel() >= Status.WARN);
    Logger access = context.getLogger(dev.meridian.router.AccessLog.LOGGER);
    assertThat(access.isAdditive()).as("access lines only once, without the log pattern").isFalse();
    AsyncAppender queue = (AsyncAppender) access.getAppender("ACCESS");
    assertThat(queue).isNotNull();
    assertThat(queue.isNeverBlock()).isTrue();
    context.stop();
  }
}
