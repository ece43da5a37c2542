import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.TransformerFactory;

class Xml {
    Document dom(InputStream in) throws Exception {
        // ruleid: java-xxe-document-builder
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        DocumentBuilder db = dbf.newDocumentBuilder();
        return db.parse(in);
    }

    Document safeDom(InputStream in) throws Exception {
        // ok: java-xxe-document-builder
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return dbf.newDocumentBuilder().parse(in);
    }

    void sax(InputStream in, DefaultHandler handler) throws Exception {
        // ruleid: java-xxe-sax-parser
        SAXParserFactory spf = SAXParserFactory.newInstance();
        SAXParser parser = spf.newSAXParser();
        parser.parse(in, handler);
    }

    void safeSax(InputStream in, DefaultHandler handler) throws Exception {
        // ok: java-xxe-sax-parser
        SAXParserFactory spf = SAXParserFactory.newInstance();
        spf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        spf.newSAXParser().parse(in, handler);
    }

    XMLStreamReader stax(InputStream in) throws Exception {
        // ruleid: java-xxe-stax
        XMLInputFactory factory = XMLInputFactory.newInstance();
        return factory.createXMLStreamReader(in);
    }

    XMLStreamReader safeStax(InputStream in) throws Exception {
        // ok: java-xxe-stax
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        return factory.createXMLStreamReader(in);
    }

    void transform() throws Exception {
        // ruleid: java-xxe-transformer
        TransformerFactory tf = TransformerFactory.newInstance();
        // ok: java-xxe-transformer
        TransformerFactory safe = TransformerFactory.newInstance();
        safe.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    }
}
