// Loads a catalog with Meridian's own loader (the checks the router runs at start-up).
// Usage: java -cp launcher/target/meridian.jar deploy/.tools/CheckCatalog.java FILE...
import dev.meridian.core.catalog.CatalogLoader;
import java.nio.file.Path;

public class CheckCatalog {
  public static void main(String[] args) {
    for (String file : args) {
      var catalog = CatalogLoader.load(Path.of(file));
      System.out.printf("catalog ok: %s (version %s: %d models, %d providers, %d regions, %d endpoints)%n",
          file, catalog.version(), catalog.models().size(), catalog.providers().size(),
          catalog.regions().size(), catalog.endpoints().size());
    }
  }
}
