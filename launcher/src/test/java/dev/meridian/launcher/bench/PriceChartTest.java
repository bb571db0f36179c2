package dev.meridian.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PriceChartTest {
  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void plotsOneDotPerPricedRowOnALogPriceAxis() throws Exception {
    List<EndpointSummary> rows = List.of(
        BenchFixtures.row("cheap", "us-east", 150, 170, 0.01),
        BenchFixtures.row("mid", "us-east", 300, 320, 0.1),
        BenchFixtures.row("dear", "ap-southeast", 600, 700, 1.0),
        BenchFixtures.row("unpriced", "us-east", 200, 210, null));
    String svg = PriceChart.render(rows, "TTFT <vs> price & more", "subtitle");
    Document doc = parse(svg);

    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(svg).doesNotContain("<script").doesNotContain("href=");
    NodeList circles = doc.getElementsByTagName("circle");
    List<double[]> dots = new ArrayList<>();
    for (int i = 0; i < circles.getLength(); i++) {
      Element circle = (Element) circles.item(i);
      if (circle.getElementsByTagName("title").getLength() > 0) {
        dots.add(new double[] {Double.parseDouble(circle.getAttribute("cx")), Double.parseDouble(circle.getAttribute("cy"))});
      }
    }
    assertThat(dots).hasSize(3);
    // Log axis: 0.1 sits halfway between 0.01 and 1.
    assertThat(dots.get(1)[0] - dots.get(0)[0]).isCloseTo(dots.get(2)[0] - dots.get(1)[0], within(0.2));
    // Slower is higher up: smaller y.
    assertThat(dots.get(0)[1]).isGreaterThan(dots.get(1)[1]);
    assertThat(dots.get(1)[1]).isGreaterThan(dots.get(2)[1]);
    assertThat(svg).contains("TTFT &lt;vs&gt; price &amp; more");
    assertThat(svg).contains("1 row(s) not plotted");
    assertThat(svg).contains(">ap-southeast</text>");
  }

  @Test
  void anEmptyChartIsStillValidSvg() throws Exception {
    Document doc = parse(PriceChart.render(List.of(), "t", "s"));
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
  }

  @Test
  void axesCoverTheDataWithRoundTicks() {
    PriceChart.LogAxis x = PriceChart.LogAxis.covering(0.01, 3.0);
    assertThat(x.ticks()).startsWith(0.01).endsWith(10.0);
    assertThat(x.fraction(0.01)).isCloseTo(0.0, within(1e-9));
    assertThat(x.fraction(10)).isCloseTo(1.0, within(1e-9));
    PriceChart.LogAxis one = PriceChart.LogAxis.covering(0.25, 0.25);
    assertThat(one.fraction(0.25)).isBetween(0.0, 1.0);

    PriceChart.LinearAxis y = PriceChart.LinearAxis.fromZero(1260);
    assertThat(y.max()).isGreaterThanOrEqualTo(1260);
    assertThat(y.ticks()).first().isEqualTo(0.0);
    assertThat(y.ticks().size()).isBetween(4, 8);
    assertThat(PriceChart.tickLabel(0.05000000000000001)).isEqualTo("0.05");
    assertThat(PriceChart.tickLabel(10)).isEqualTo("10");
  }
}
